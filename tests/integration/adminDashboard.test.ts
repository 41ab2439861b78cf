import { eq, sql } from 'drizzle-orm';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { accounts, emailMessages, invitationRounds, members } from '../../src/db/schema.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { adminDashboard } from '../../src/domain/reports/adminDashboard.ts';
import { Dashboard } from '../../src/http/pages/admin/Dashboard.tsx';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const at = (iso: string) => new Date(iso);

let usernames = 0;
async function joinedAt(memberId: number, createdAt: Date) {
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

async function signedIn(role: 'admin' | 'security_admin' | 'member' = 'admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

/** The text of the page as a reader hears it, for reading sentences. */
const textOf = (html: string) => readPage(html).text;

const ctx = {
  orgName: 'Test Org',
  csrfToken: 'token',
  passwordMinLength: 12,
  publicUrl: 'http://portal.test',
  user: null,
};

const NAV = ['Member Management', 'Invitation Codes', 'Member Search', 'Query Tool'];

describe('Admin home dashboard', () => {
  it('points an empty portal to Import, keeping the navigation', async () => {
    const { b } = await signedIn('security_admin');
    const res = await b.get('/admin');
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.text).toContain('No members have been imported yet.');
    expect(page.link('Import your roster')).toBe('/admin/member-management/import');
    const nav = page.inside(page.getByRole('navigation', { name: 'Admin' }));
    for (const name of [...NAV, 'Reminder Rounds']) {
      // Each entry of the navigation is a link described by the sentence under it.
      const link = nav.getByRole('link', { name });
      expect(link.getAttribute('href')).toBeTruthy();
      expect(nav.getByRole('link', { name, description: /\w/ })).toBe(link);
    }
    expect(nav.link('Reminder Rounds')).toBe('/admin/settings/reminder-rounds');
  });

  it('shows who has joined, who has not, failed deliveries, the last round and the onboarding curve', async () => {
    // Independent roster: 4 current members with logins (one of them the admin), 3 current without,
    // 2 lapsed (one with a login); 2 members without a login whose invitation failed (one lapsed), and
    // one with a login whose old invitation had failed (not in need of attention).
    const { b, login } = await signedIn('admin'); // created 15 Jan
    const current = await Promise.all(Array.from({ length: 6 }, () => buildMember(app)));
    const lapsed = await Promise.all(Array.from({ length: 2 }, () => buildMember(app, { status: 'lapsed' })));
    await joinedAt(current[0]!.id, at('2026-01-12T10:00:00Z'));
    await joinedAt(current[1]!.id, at('2026-01-12T18:00:00Z'));
    await joinedAt(current[2]!.id, at('2026-01-14T08:00:00Z'));
    await joinedAt(lapsed[0]!.id, at('2026-01-13T08:00:00Z'));
    const failed = (id: number) =>
      app.deps.db.update(members).set({ deliveryState: 'failed' }).where(eq(members.id, id));
    await failed(current[3]!.id);
    await failed(lapsed[1]!.id);
    await failed(current[0]!.id);

    const [round] = await app.deps.db
      .insert(invitationRounds)
      .values({
        kind: 'send_all',
        startedByLabel: 'Ada Admin',
        startedAt: at('2026-01-12T09:00:00Z'),
        total: 3,
      })
      .returning();
    for (const [i, state] of (['sent', 'failed', 'queued'] as const).entries()) {
      await app.deps.db.insert(emailMessages).values({
        kind: 'invitation',
        memberId: current[i]!.id,
        roundId: round!.id,
        toAddress: 'x@example.org',
        state,
        createdAt: round!.startedAt,
        updatedAt: round!.startedAt,
      });
    }

    const data = await adminDashboard(app.deps, login.actor);
    expect(data).toMatchObject({
      rosterSize: 9,
      currentMembers: 7,
      currentWithLogin: 4,
      currentShare: 57.1,
      failedDeliveries: 2,
    });
    expect(data.lastRound).toMatchObject({
      id: round!.id,
      delivered: 1,
      failed: 1,
      pending: 1,
      loginsSince: 3,
    });
    // Logins by day, cumulative: 12 Jan 2, 13 Jan 3, 14 Jan 4, 15 Jan 5 (the admin).
    expect(data.onboarding.bucket).toBe('day');
    expect(data.onboarding.points.map((p) => [p.x.toISOString().slice(0, 10), p.y])).toEqual([
      ['2026-01-12', 2],
      ['2026-01-13', 3],
      ['2026-01-14', 4],
      ['2026-01-15', 5],
    ]);

    const page = readPage((await b.get('/admin')).body);
    const text = page.text;
    expect(text).toContain('4 of 7 current members have a portal login (57.1%)');
    expect(text).toContain('4 members without a login');
    expect(text).toContain('2 failed deliveries need attention');
    expect(page.link('Show members whose invitation failed')).toBe(
      '/admin/member-management/invitation-codes?deliveryFailed=1',
    );
    expect(text).toContain(
      'Last round: Send All to 3 members, started 12 Jan 2026, 09:00 UTC by Ada Admin: 1 delivered, 1 failed, 1 still to send; logins created since: 3 (100%).',
    );
    expect(page.link('See every invitation round')).toBe('/admin/query-tool/invitation-rounds');
    // The chart, named and described, and its numbers as text.
    const chart = page.getByRole('img', { name: 'Onboarding progress' });
    expect(page.getByRole('img', { name: 'Onboarding progress', description: /per day/ })).toBe(chart);
    expect(page.tableRows('Logins created')).toEqual([
      ['12 Jan 2026', '2'],
      ['13 Jan 2026', '3'],
      ['14 Jan 2026', '4'],
      ['15 Jan 2026', '5'],
    ]);
    // The navigation is still there, below the figures; no Reminder Rounds for an Administrator.
    const nav = page.getByRole('navigation', { name: 'Admin' });
    for (const name of NAV) page.inside(nav).getByRole('link', { name });
    const figures = page.getByRole('heading', { name: 'Your portal' });
    expect(figures.compareDocumentPosition(nav) & 4).toBe(4); // 4: DOCUMENT_POSITION_FOLLOWING
    expect(page.text).not.toContain('Reminder Rounds');
  });

  it('says when nothing has been sent and nobody has a login yet', async () => {
    const { b } = await signedIn('admin');
    await buildMember(app);
    const text = textOf((await b.get('/admin')).body);
    expect(text).toContain('1 of 2 current members have a portal login (50%)');
    expect(text).toContain('No invitations have been sent yet.');
    // Without any login at all (e.g. after Clear All Usernames, seen from the command line's authority).
    await app.deps.db.delete(accounts);
    const data = await adminDashboard(app.deps, systemActor());
    const html = renderToString(h(Dashboard, { ctx: { ...ctx, user: null }, data }));
    const shown = readPage(html);
    expect(shown.text).toContain('0 of 2 current members have a portal login (0%)');
    expect(shown.text).toContain('Nobody has created a portal login yet.');
    expect(shown.queryByRole('img')).toBeNull();
    expect(shown.container.querySelector('svg')).toBeNull();
  });

  it('is refused to a Member (403) and served to an Administrator', async () => {
    const member = await signedIn('member');
    expect((await member.b.get('/admin')).statusCode).toBe(403);
    await expect(adminDashboard(app.deps, member.login.actor)).rejects.toThrow('access level');
    const admin = await signedIn('admin');
    expect((await admin.b.get('/admin')).statusCode).toBe(200);
  });

  it('on a large roster, shows the figures of the moment at every view (stored, never recounted)', async () => {
    const { b, login } = await signedIn('admin');
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'L' || g, 'First', 'Last', 'l' || g || '@example.org', 'l' || g || '@example.org'
      from generate_series(1, 20000) g`);
    const first = await adminDashboard(app.deps, login.actor);
    expect(first).toMatchObject({ rosterSize: 20001, currentWithLogin: 1 });
    const someone = await buildMember(app);
    await joinedAt(someone.id, app.clock.now());
    const second = await adminDashboard(app.deps, login.actor);
    expect(second).toMatchObject({ rosterSize: 20002, currentWithLogin: 2 });
    expect(textOf((await b.get('/admin')).body)).not.toContain('recounted');
  });
});
