import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, type DeliveryState, emailMessages, invitationRounds } from '../../src/db/schema.ts';
import { listInvitationRounds } from '../../src/domain/reports/invitationRounds.ts';
import { responseCurves } from '../../src/domain/reports/responseCurves.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const REPORT = '/admin/query-tool/invitation-rounds';
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

type Kind = 'single' | 'send_all' | 'reminder';
/** A round as the test describes it: its messages' states, and when each member's login was created. */
type RoundSpec = {
  kind: Kind;
  startedAt: string;
  members: { state: DeliveryState; loginAt?: string }[];
};

let usernames = 0;
async function insertAccount(memberId: number, createdAt: Date) {
  usernames += 1;
  await app.deps.db.insert(accounts).values({
    memberId,
    username: `joined${usernames}`,
    usernameLower: `joined${usernames}`,
    passwordHash: 'not-a-real-hash',
    createdAt,
    passwordChangedAt: createdAt,
  });
}

/** Creates the rounds, one member per message, and the members' logins; returns the ids in spec order. */
async function insertRounds(specs: RoundSpec[]) {
  const ids: number[] = [];
  for (const spec of specs) {
    const [round] = await app.deps.db
      .insert(invitationRounds)
      .values({
        kind: spec.kind,
        startedByLabel: 'Ada Admin',
        startedAt: at(spec.startedAt),
        total: spec.members.length,
      })
      .returning({ id: invitationRounds.id });
    for (const m of spec.members) {
      const member = await buildMember(app);
      await app.deps.db.insert(emailMessages).values({
        kind: 'invitation',
        memberId: member.id,
        roundId: round!.id,
        toAddress: member.email,
        state: m.state,
        createdAt: at(spec.startedAt),
        updatedAt: at(spec.startedAt),
      });
      if (m.loginAt) await insertAccount(member.id, at(m.loginAt));
    }
    ids.push(round!.id);
  }
  return ids;
}

/** The figures the report should show, computed from the spec alone. */
function expected(spec: RoundSpec) {
  const n = (...states: DeliveryState[]) => spec.members.filter((m) => states.includes(m.state)).length;
  const since = spec.members.filter((m) => m.loginAt && at(m.loginAt) > at(spec.startedAt)).length;
  return {
    total: spec.members.length,
    delivered: n('sent', 'logged'),
    failed: n('failed'),
    pending: n('queued', 'claimed', 'sending', 'deferred'),
    notSent: n('skipped', 'interrupted'),
    loginsSince: since,
  };
}

const sendAll: RoundSpec = {
  kind: 'send_all',
  startedAt: '2026-01-10T09:00:00Z',
  members: [
    { state: 'sent', loginAt: '2026-01-11T10:00:00Z' },
    { state: 'logged', loginAt: '2026-01-09T09:00:00Z' }, // had a login before the round
    { state: 'failed' },
    { state: 'deferred' },
    { state: 'queued', loginAt: '2026-01-10T12:00:00Z' },
    { state: 'skipped', loginAt: '2026-01-13T10:00:00Z' },
  ],
};
const reminder: RoundSpec = {
  kind: 'reminder',
  startedAt: '2026-01-12T09:00:00Z',
  members: [
    { state: 'sent' },
    { state: 'interrupted' },
    { state: 'claimed', loginAt: '2026-01-14T08:00:00Z' },
  ],
};
const single: RoundSpec = {
  kind: 'single',
  startedAt: '2026-01-14T10:00:00Z',
  members: [{ state: 'sending' }],
};

async function signedIn(role: 'admin' | 'security_admin' | 'member' = 'admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

/** The rows of the rounds table (captioned "Newest first…"), in page order, as the texts of their cells. */
const roundRows = (page: Page) => page.tableRows(/^Newest first/);
/** The rounds the page lists, in page order (the first cell reads "#<id>"). */
const shownRounds = (page: Page) => roundRows(page).map((cells) => Number(cells[0]!.slice(1)));
/** The cells of one round's row on the report page. */
const rowCells = (page: Page, roundId: number) => roundRows(page).find((cells) => cells[0] === `#${roundId}`);

describe('Invitation Rounds report', () => {
  it('counts each round from its messages and logins, matching an independent count', async () => {
    const specs = [sendAll, reminder, single];
    const ids = await insertRounds(specs);
    // Mail outside any round (a password reset) must not count anywhere.
    await app.deps.db.execute(sql`insert into email_messages (kind, to_address, state, created_at, updated_at)
      values ('password_reset', 'x@example.org', 'failed', now(), now())`);
    const { login } = await signedIn();
    const page = await listInvitationRounds(app.deps, login.actor, {});
    expect(page.rows.map((r) => r.id)).toEqual([...ids].reverse());
    for (const [i, spec] of specs.entries()) {
      const row = page.rows.find((r) => r.id === ids[i])!;
      const want = expected(spec);
      expect(row).toMatchObject({ kind: spec.kind, startedByLabel: 'Ada Admin', ...want });
      expect(row.loginsSinceShare).toBe(Math.round((1000 * want.loginsSince) / want.total) / 10);
    }
    // Spelled out once, so the independent count itself is checked too.
    expect(expected(sendAll)).toEqual({
      total: 6,
      delivered: 2,
      failed: 1,
      pending: 2,
      notSent: 1,
      loginsSince: 3,
    });
  });

  it('shows each round in words on the page, newest first, and explains "delivered"', async () => {
    const [sendAllId, reminderId, singleId] = await insertRounds([sendAll, reminder, single]);
    const { b } = await signedIn();
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(shownRounds(page)).toEqual([singleId, reminderId, sendAllId]);
    expect(rowCells(page, sendAllId!)).toEqual([
      `#${sendAllId}`,
      'Send All',
      'Ada Admin',
      '10 Jan 2026, 09:00 UTC',
      'Still sending',
      '6',
      '2',
      '1',
      '2',
      '1',
      '3 (50%)',
    ]);
    expect(rowCells(page, reminderId!)!.slice(1, 2)).toEqual(['Reminder']);
    expect(rowCells(page, reminderId!)!.at(-1)).toBe('1 (33.3%)');
    expect(rowCells(page, singleId!)!.slice(1, 2)).toEqual(['Single send']);
    // Each round links to its progress page for those who send invitations.
    expect(page.link(`#${sendAllId}`)).toBe(`/admin/member-management/invitation-codes/rounds/${sendAllId}`);
    const { text } = page;
    expect(text).toContain(
      'or were kept in the Email Log because no SMTP server was configured (the portal then counts them as delivered).',
    );
    expect(text).toContain('No SMTP server is configured now, so no email leaves the portal.');
  });

  it('draws the response curve of recent Send All and reminder rounds, with its numbers as text', async () => {
    const [sendAllId, reminderId] = await insertRounds([sendAll, reminder, single]);
    const { b, login } = await signedIn();
    const curves = await responseCurves(app.deps, login.actor);
    expect(curves.map((c) => c.roundId)).toEqual([reminderId, sendAllId]);
    // Independently: the share of the round's members whose login was created in (start, point].
    const curve = curves.find((c) => c.roundId === sendAllId)!;
    const start = at(sendAll.startedAt).getTime();
    const now = app.clock.now().getTime();
    const wantDays = Array.from({ length: 5 }, (_, i) => Math.min(start + (i + 1) * DAY, now));
    expect(curve.points.map((p) => p.x.getTime())).toEqual([start, ...wantDays]);
    const shareBy = (x: number) => {
      const n = sendAll.members.filter((m) => {
        const t = m.loginAt ? at(m.loginAt).getTime() : Number.NaN;
        return t > start && t <= x;
      }).length;
      return Math.round((1000 * n) / sendAll.members.length) / 10;
    };
    expect(curve.points.map((p) => p.y)).toEqual([0, ...wantDays.map(shareBy)]);
    expect(curve.points.map((p) => p.y)).toEqual([0, 16.7, 33.3, 33.3, 50, 50]);

    const page = readPage((await b.get(REPORT)).body);
    // The chart is one image, named by its title (aria-labelledby), with the numbers as tables beside it.
    const chart = page.getByRole('img', { name: 'Logins created after recent Send All and reminder rounds' });
    expect(chart.tagName.toLowerCase()).toBe('svg');
    page.getByRole('table', { name: `Reminder #${reminderId}, 12 Jan 2026` });
    const sendAllTable = page.tableRows(`Send All #${sendAllId}, 10 Jan 2026`);
    expect(sendAllTable.map((cells) => cells[1])).toEqual(['0%', '16.7%', '33.3%', '33.3%', '50%', '50%']);
  });

  it('pages through many rounds newest first and filters by kind', async () => {
    await insertRounds([sendAll]);
    const singles = await insertRounds(
      Array.from({ length: 30 }, (_, i) => ({
        kind: 'single' as const,
        startedAt: new Date(at('2026-01-11T00:00:00Z').getTime() + i * 60_000).toISOString(),
        members: [{ state: 'sent' as const }],
      })),
    );
    const { b } = await signedIn();
    const first = readPage((await b.get(`${REPORT}?kind=single`)).body);
    expect(shownRounds(first)).toEqual([...singles].reverse().slice(0, 25));
    const kinds = first.inside(first.getByRole('navigation', { name: 'Kind of round' }));
    expect(kinds.getByRole('link', { current: 'page' }).textContent).toBe('Single sends');
    expect(kinds.link('Single sends')).toBe(`${REPORT}?kind=single`);
    expect(first.link('Newer rounds')).toBeNull();
    const older = first.link('Older rounds')!;
    expect(new URL(older, 'http://portal.test').searchParams.get('kind')).toBe('single');
    const second = readPage((await b.get(older)).body);
    expect(shownRounds(second)).toEqual([...singles].reverse().slice(25));
    expect(second.link('Older rounds')).toBeNull();
    // Back to the first page, response curves and all.
    const back = readPage((await b.get(second.link('Newer rounds')!)).body);
    expect(shownRounds(back)).toEqual(shownRounds(first));
    expect(back.link('Newer rounds')).toBeNull();
    back.getByRole('heading', { name: 'Response curve' });

    const onlySendAll = readPage((await b.get(`${REPORT}?kind=send_all`)).body);
    expect(shownRounds(onlySendAll)).toHaveLength(1);
    expect(readPage((await b.get(`${REPORT}?kind=reminder`)).body).text).toContain(
      'There is no round of this kind yet.',
    );
    const refused = await b.get(`${REPORT}?kind=bogus`);
    expect(refused.statusCode).toBe(400);
    expect(readPage(refused.body).alert()).toContain('Choose one of the kinds of round listed.');
  });

  it('refuses an edited page link on the page', async () => {
    await insertRounds([sendAll, reminder, single]);
    const { b } = await signedIn();
    const cursor = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const position of [
      'after=bogus',
      `before=${cursor({ s: '', k: ['2026-02-30T00:00:00.000000Z', 1] })}`,
      `after=${cursor({ s: 'name', k: ['2026-01-10T09:00:00.000000Z', 1] })}`,
    ]) {
      const res = await b.get(`${REPORT}?kind=send_all&${position}`);
      expect(res.statusCode, position).toBe(400);
      const page = readPage(res.body);
      expect(page.alert(), position).toContain(
        'That page link is out of date. Start again from the first page.',
      );
      expect(page.queryByRole('table', { name: /^Newest first/ })).toBeNull();
    }
  });

  it('says so when nothing has been sent yet', async () => {
    const { b } = await signedIn();
    const page = readPage((await b.get(REPORT)).body);
    expect(page.text).toContain('No invitations have been sent yet.');
    expect(page.text).toContain('No Send All or reminder round has been sent yet');
    expect(page.queryByRole('img')).toBeNull();
    expect(page.container.querySelector('svg')).toBeNull();
  });

  it('shows a round of 20,000 members as it is at every view: its figures are stored, never recounted', async () => {
    const [round] = await app.deps.db
      .insert(invitationRounds)
      .values({
        kind: 'send_all',
        startedByLabel: 'Ada Admin',
        startedAt: at('2026-01-14T09:00:00Z'),
        total: 20000,
      })
      .returning();
    await app.deps.db.execute(sql`
      with m as (
        insert into members (member_number, first_name, last_name, email, email_lower)
        select 'L' || g, 'First', 'Last', 'l' || g || '@example.org', 'l' || g || '@example.org'
        from generate_series(1, 20000) g
        returning id, email)
      insert into email_messages (kind, member_id, round_id, to_address, state, created_at, updated_at)
      select 'invitation', id, ${round!.id}, email, 'sent', now(), now() from m`);
    const { b, login } = await signedIn();
    const figures = async () => (await listInvitationRounds(app.deps, login.actor, {})).rows[0]!;
    expect(await figures()).toMatchObject({ total: 20000, delivered: 20000, loginsSince: 0 });
    await app.deps.db.execute(sql`insert into accounts (member_id, username, username_lower, password_hash, created_at)
      select member_id, 'late', 'late', 'x', '2026-01-15T08:00:00Z' from email_messages
      where round_id = ${round!.id} limit 1`);
    expect(await figures()).toMatchObject({ loginsSince: 1, loginsSinceShare: 0 });
    expect(readPage((await b.get(REPORT)).body).text).not.toContain('recounted');
  });

  it('is for administrators: a Member gets 403, an Administrator and a Security Administrator get it', async () => {
    for (const [role, status] of [
      ['member', 403],
      ['admin', 200],
      ['security_admin', 200],
    ] as const) {
      const { b, login } = await signedIn(role);
      expect((await b.get(REPORT)).statusCode).toBe(status);
      if (role === 'member') {
        await expect(listInvitationRounds(app.deps, login.actor, {})).rejects.toThrow('access level');
        await expect(responseCurves(app.deps, login.actor)).rejects.toThrow('access level');
      }
    }
  });
});
