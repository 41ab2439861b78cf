import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { accounts, type DeliveryState, members } from '../../src/db/schema.ts';
import { countPendingMembers } from '../../src/domain/invitationCodes/countInvitationCodes.ts';
import {
  type PendingQuery,
  type PendingSort,
  pendingSorts,
} from '../../src/domain/invitationCodes/invitationCodesQuery.ts';
import {
  listPendingMembers,
  type PendingMember,
} from '../../src/domain/invitationCodes/listInvitationCodes.ts';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { type TestApp, useTestApp } from '../harness.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };

type Seed = {
  number: string;
  first: string;
  last: string;
  email?: string;
  status?: 'current' | 'lapsed';
  sent?: number;
  /** ISO text with microseconds, written as SQL text so no precision is lost on the way. */
  lastInvitedAt?: string | null;
  delivery?: DeliveryState | null;
  detail?: string | null;
  login?: boolean;
};
type Seeded = Seed & { id: number };

const defaultEmail = (r: Seed) => `${r.first}.${r.last}@example.org`.replace(/\s/g, '').toLowerCase();

/** Members inserted directly; a login is an accounts row, and the trigger sets has_login. */
async function seed(t: TestApp, rows: Seed[]): Promise<Seeded[]> {
  const inserted = await t.deps.db
    .insert(members)
    .values(
      rows.map((r) => {
        const email = r.email ?? defaultEmail(r);
        return {
          memberNumber: r.number,
          firstName: r.first,
          lastName: r.last,
          email,
          emailLower: email.toLowerCase(),
          status: r.status ?? 'current',
          invitationsSent: r.sent ?? (r.lastInvitedAt ? 1 : 0),
          deliveryState: r.delivery ?? (r.lastInvitedAt ? 'sent' : null),
          deliveryDetail: r.detail ?? null,
        };
      }),
    )
    .returning({ id: members.id });
  const seeded = rows.map((r, i) => ({ ...r, id: inserted[i]!.id }));
  for (const m of seeded) {
    if (m.lastInvitedAt) {
      await t.deps.db.execute(
        sql`update members set last_invited_at = ${m.lastInvitedAt}::timestamptz where id = ${m.id}`,
      );
    }
    if (m.login) {
      await t.deps.db.insert(accounts).values({
        memberId: m.id,
        username: `u${m.id}`,
        usernameLower: `u${m.id}`,
        passwordHash: 'not-a-real-hash',
      });
    }
  }
  return seeded;
}

const roster: Seed[] = [
  { number: 'M0001', first: 'Ada', last: 'Lovelace', lastInvitedAt: '2026-01-10T10:00:00.123456Z', sent: 2 },
  { number: 'M0002', first: 'Ada', last: 'Lovelace', lastInvitedAt: '2026-01-10T10:00:00.123456Z', sent: 2 },
  { number: 'M0003', first: 'Ada', last: 'Lovelace' },
  { number: 'M0004', first: 'Grace', last: 'Hopper', lastInvitedAt: '2026-01-10T10:00:00.123457Z', sent: 1 },
  { number: 'M0005', first: 'Alan', last: 'Turing', status: 'lapsed' },
  {
    number: 'M0006',
    first: 'Katherine',
    last: 'Johnson',
    lastInvitedAt: '2025-12-01T08:00:00Z',
    sent: 3,
    delivery: 'failed',
    detail: '550 5.1.1 mailbox unavailable',
  },
  {
    number: 'M0007',
    first: 'Li',
    last: 'Wei',
    lastInvitedAt: '2025-11-15T08:00:00Z',
    sent: 1,
    status: 'lapsed',
  },
  { number: 'M0008', first: 'Oliver', last: 'Li', lastInvitedAt: '2025-11-15T08:00:00Z', sent: 1 },
  { number: 'M0009', first: 'Lisa', last: 'Sanders', lastInvitedAt: '2026-01-14T09:00:00Z', sent: 4 },
  { number: 'M0010', first: 'Peter', last: 'Anderson', email: 'pa@Mail.Example.COM' },
  {
    number: 'M0011',
    first: 'Zoe',
    last: 'de Vries',
    delivery: 'queued',
    lastInvitedAt: '2026-01-15T08:59:00Z',
  },
  {
    number: 'M0012',
    first: 'Émile',
    last: 'Zola',
    delivery: 'deferred',
    lastInvitedAt: '2026-01-12T00:00:00Z',
  },
  { number: 'A100', first: 'Ann', last: 'Number' },
  { number: 'A1000', first: 'Anna', last: 'Number' },
  { number: 'X_1', first: 'Under', last: 'Score', email: 'u_s@example.org' },
  { number: 'M0013', first: 'Joined', last: 'Already', login: true },
  { number: 'M0014', first: 'Ada', last: 'Lovelace', login: true, lastInvitedAt: '2026-01-01T00:00:00Z' },
  {
    number: 'M0015',
    first: 'Failed',
    last: 'Butjoined',
    login: true,
    delivery: 'failed',
    lastInvitedAt: '2025-01-01T00:00:00Z',
  },
  { number: 'M0016', first: 'Ada', last: 'Lovelace', lastInvitedAt: '2025-11-15T08:00:00Z', sent: 1 },
  {
    number: 'M0017',
    first: 'Bob',
    last: 'Brown',
    lastInvitedAt: '2026-01-13T00:00:00Z',
    sent: 2,
    delivery: 'logged',
  },
];

/** A timestamp as fixed-width UTC text down to the microsecond, so that text order is time order. */
function microsecondText(iso: string): string {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  return `${new Date(iso).toISOString().slice(0, 19)}.${fraction.padEnd(6, '0')}`;
}

/** A name as the name sorts compare it: case and accents ignored ("de Vries" under D, Émile under E). */
const nameKey = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The order each sort promises, computed here independently of the SQL. */
function expectedKey(m: Seeded, sort: PendingSort): (string | number)[] {
  switch (sort) {
    case 'name':
      return [nameKey(m.last), nameKey(m.first), m.id];
    case 'memberNumber':
      return [m.number, m.id];
    case 'email':
      return [(m.email ?? defaultEmail(m)).toLowerCase(), m.id];
    case 'lastInvited':
      // Never invited counts as longest ago: '' sorts before every timestamp.
      return [m.lastInvitedAt ? microsecondText(m.lastInvitedAt) : '', m.id];
    case 'invitationsSent':
      return [m.sent ?? (m.lastInvitedAt ? 1 : 0), nameKey(m.last), nameKey(m.first), m.id];
  }
}

function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

function expectedOrder(all: Seeded[], sort: PendingSort, dir: 'asc' | 'desc', keep = (_m: Seeded) => true) {
  const sign = dir === 'asc' ? 1 : -1;
  return all
    .filter((m) => !m.login && keep(m))
    .sort((a, b) => sign * compareKeys(expectedKey(a, sort), expectedKey(b, sort)))
    .map((m) => m.id);
}

/** Every page from the first by following next, then back again by prev. */
async function walk(query: Omit<PendingQuery, 'after' | 'before'>) {
  const forward: PendingMember[][] = [];
  let page = await listPendingMembers(app.deps, admin, query);
  forward.push(page.rows);
  while (page.next) {
    page = await listPendingMembers(app.deps, admin, { ...query, after: page.next });
    forward.push(page.rows);
    expect(forward.length).toBeLessThan(100);
  }
  const backward: PendingMember[][] = [page.rows];
  while (page.prev) {
    page = await listPendingMembers(app.deps, admin, { ...query, before: page.prev });
    backward.unshift(page.rows);
    expect(backward.length).toBeLessThan(100);
  }
  return { forward, backward, ids: forward.flat().map((m) => m.id) };
}

const pendingIds = (all: Seeded[], keep: (m: Seeded) => boolean) =>
  all.filter((m) => !m.login && keep(m)).map((m) => m.id);

const listIds = async (query: Partial<PendingQuery>) =>
  (await listPendingMembers(app.deps, admin, { sort: 'name', dir: 'asc', limit: 200, ...query })).rows.map(
    (r) => r.id,
  );

describe('listPendingMembers', () => {
  it('lists exactly the members without a login, of any status, with their invitation state', async () => {
    const all = await seed(app, roster);
    const page = await listPendingMembers(app.deps, admin, { sort: 'memberNumber', dir: 'asc', limit: 200 });
    expect(new Set(page.rows.map((r) => r.id))).toEqual(new Set(pendingIds(all, () => true)));
    expect(page.rows.map((r) => r.status)).toContain('lapsed');
    const johnson = page.rows.find((r) => r.memberNumber === 'M0006')!;
    expect(johnson).toMatchObject({
      firstName: 'Katherine',
      lastName: 'Johnson',
      email: 'katherine.johnson@example.org',
      invitationsSent: 3,
      deliveryState: 'failed',
      deliveryDetail: '550 5.1.1 mailbox unavailable',
    });
    expect(johnson.lastInvitedAt).toEqual(new Date('2025-12-01T08:00:00Z'));
    expect(page.rows.find((r) => r.memberNumber === 'M0003')!.lastInvitedAt).toBeNull();
  });

  it('drops a member from the list when they create a login, and brings them back if it is removed', async () => {
    const [m] = await seed(app, [{ number: 'N1', first: 'New', last: 'Comer' }]);
    expect(await listIds({})).toEqual([m!.id]);
    await app.deps.db
      .insert(accounts)
      .values({ memberId: m!.id, username: 'nc', usernameLower: 'nc', passwordHash: 'x' });
    expect(await listIds({})).toEqual([]);
    await app.deps.db.delete(accounts);
    expect(await listIds({})).toEqual([m!.id]);
  });

  it('filters by status, by invited or never invited, by last sent before a date and by failed delivery', async () => {
    const all = await seed(app, roster);
    const set = (ids: number[]) => new Set(ids);
    expect(set(await listIds({ status: 'lapsed' }))).toEqual(
      set(pendingIds(all, (m) => m.status === 'lapsed')),
    );
    expect(set(await listIds({ status: 'current' }))).toEqual(
      set(pendingIds(all, (m) => (m.status ?? 'current') === 'current')),
    );
    expect(set(await listIds({ invited: 'never' }))).toEqual(set(pendingIds(all, (m) => !m.lastInvitedAt)));
    expect(set(await listIds({ invited: 'invited' }))).toEqual(
      set(pendingIds(all, (m) => !!m.lastInvitedAt)),
    );
    const cut = new Date('2026-01-10T00:00:00Z');
    expect(set(await listIds({ sentBefore: cut }))).toEqual(
      set(pendingIds(all, (m) => !!m.lastInvitedAt && new Date(m.lastInvitedAt) < cut)),
    );
    const failed = await listIds({ deliveryFailed: true });
    expect(failed).toEqual(pendingIds(all, (m) => m.delivery === 'failed'));
    expect(failed).toHaveLength(1); // the failed member who has since joined is not listed
    expect(set(await listIds({ status: 'current', invited: 'invited', sentBefore: cut }))).toEqual(
      set(
        pendingIds(
          all,
          (m) =>
            (m.status ?? 'current') === 'current' && !!m.lastInvitedAt && new Date(m.lastInvitedAt) < cut,
        ),
      ),
    );
  });

  it('searches names, email and member number, case-insensitively, every word having to match', async () => {
    const all = await seed(app, roster);
    const byNumber = (n: string) => all.find((m) => m.number === n)!.id;
    expect(await listIds({ search: 'lovelace' })).toEqual(
      pendingIds(all, (m) => m.last === 'Lovelace').sort((a, b) => a - b),
    );
    expect(await listIds({ search: 'ANDERS' })).toEqual([byNumber('M0010'), byNumber('M0009')]);
    expect(await listIds({ search: 'mail.example' })).toEqual([byNumber('M0010')]);
    expect(await listIds({ search: 'émile' })).toEqual([byNumber('M0012')]);
    expect(await listIds({ search: 'ÉMILE zola' })).toEqual([byNumber('M0012')]);
    // Not every word matches: nobody matches exactly, so the page offers the close matches instead.
    const loose = await listPendingMembers(app.deps, admin, {
      search: 'ada turing',
      sort: 'name',
      dir: 'asc',
    });
    expect(loose.closeMatches).toBe(true);
    expect(loose.rows.map((m) => m.id)).toEqual([byNumber('M0005')]);
    expect(await listIds({ search: 'm0007' })).toEqual([byNumber('M0007')]);
    // One or two letters match a whole word: the surname Li and first name Li, not Oliver or Lisa.
    expect(new Set(await listIds({ search: 'li' }))).toEqual(new Set([byNumber('M0007'), byNumber('M0008')]));
    expect(await listIds({ search: 'de' })).toEqual([byNumber('M0011')]);
    // LIKE wildcards in a search are plain characters.
    expect(await listIds({ search: '%' })).toEqual([]);
    expect(await listIds({ search: 'x_1' })).toEqual([byNumber('X_1')]);
    expect(await listIds({ search: 'u_s@' })).toEqual([byNumber('X_1')]);
    expect(await listIds({ search: 'joined' })).toEqual([]); // has a login
  });

  it('puts an exact member-number match first, then the other matches in the chosen order, once each', async () => {
    const all = await seed(app, roster);
    const id = (n: string) => all.find((m) => m.number === n)!.id;
    const page = await listPendingMembers(app.deps, admin, { search: 'a1000', sort: 'name', dir: 'asc' });
    expect(page.exactMatchId).toBe(id('A1000'));
    expect(page.rows.map((r) => r.id)).toEqual([id('A1000')]);
    const both = await listPendingMembers(app.deps, admin, { search: 'a100', sort: 'name', dir: 'desc' });
    expect(both.rows.map((r) => r.id)).toEqual([id('A100'), id('A1000')]);
    const walked = await walk({ search: 'a100', sort: 'memberNumber', dir: 'desc', limit: 1 });
    expect(walked.ids).toEqual([id('A100'), id('A1000')]);
    // An exact match that the filters exclude is not shown.
    expect(await listIds({ search: 'A100', status: 'lapsed' })).toEqual([]);
  });

  for (const sort of pendingSorts) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`sorts by ${sort} ${dir} and pages through everyone with no gap or repeat`, async () => {
        const all = await seed(app, roster);
        const expected = expectedOrder(all, sort, dir);
        for (const limit of [1, 3, 4, 50]) {
          const { forward, backward, ids } = await walk({ sort, dir, limit });
          expect(ids, `limit ${limit}`).toEqual(expected);
          expect(backward.map((p) => p.map((m) => m.id))).toEqual(forward.map((p) => p.map((m) => m.id)));
          for (const p of forward.slice(0, -1)) expect(p).toHaveLength(limit);
        }
        const searched = await walk({ sort, dir, limit: 2, search: 'ada' });
        expect(searched.ids).toEqual(expectedOrder(all, sort, dir, (m) => m.first === 'Ada'));
        const filtered = await walk({ sort, dir, limit: 2, invited: 'invited' });
        expect(filtered.ids).toEqual(expectedOrder(all, sort, dir, (m) => !!m.lastInvitedAt));
      });
    }
  }

  it('finds search matches spread through a long list and matches far down it alike', async () => {
    // More members than a search first reads down the sort order, so both of its steps are needed.
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'S' || lpad(g::text, 5, '0'), case when g % 7 = 0 then 'Gwen' else 'Sam' end,
             case when g > 4400 then 'Zyx' || g else 'Abel' || lpad(g::text, 5, '0') end,
             's' || g || '@example.org', 's' || g || '@example.org'
      from generate_series(1, 4500) g`);
    const gwens = await walk({ search: 'gwen', sort: 'name', dir: 'asc', limit: 20 });
    expect(gwens.ids).toHaveLength(Math.floor(4500 / 7));
    expect(new Set(gwens.ids).size).toBe(gwens.ids.length);
    const gwenNames = gwens.forward.flat().map((m) => m.lastName);
    expect(gwenNames).toEqual([...gwenNames].sort());
    const far = await walk({ search: 'zyx', sort: 'name', dir: 'asc', limit: 30 });
    expect(far.ids).toHaveLength(100);
    const names = far.forward.flat().map((m) => m.lastName);
    expect(names).toEqual([...names].sort());
  });

  it('keeps the keyset exact when members join between two pages', async () => {
    const all = await seed(app, roster);
    const first = await listPendingMembers(app.deps, admin, { sort: 'name', dir: 'asc', limit: 5 });
    // The member who would open the next page creates a login meanwhile.
    const order = expectedOrder(all, 'name', 'asc');
    await app.deps.db
      .insert(accounts)
      .values({ memberId: order[5]!, username: 'x', usernameLower: 'x', passwordHash: 'x' });
    const next = await listPendingMembers(app.deps, admin, {
      sort: 'name',
      dir: 'asc',
      limit: 5,
      after: first.next!,
    });
    expect(next.rows.map((r) => r.id)).toEqual(order.slice(6, 11));
  });

  it('refuses bad input with a message naming the field', async () => {
    await seed(app, roster);
    const first = await listPendingMembers(app.deps, admin, { sort: 'lastInvited', dir: 'asc', limit: 2 });
    const refused = (query: PendingQuery) => listPendingMembers(app.deps, admin, query);
    await expect(refused({ sort: 'name', dir: 'asc', after: first.next! })).rejects.toMatchObject({
      code: 'validation',
      field: 'after',
    });
    await expect(refused({ sort: 'bogus' as PendingSort, dir: 'asc' })).rejects.toMatchObject({
      field: 'sort',
    });
    await expect(refused({ sort: 'name', dir: 'up' as 'asc' })).rejects.toMatchObject({ field: 'dir' });
    await expect(refused({ sort: 'name', dir: 'asc', limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    await expect(refused({ sort: 'name', dir: 'asc', sentBefore: new Date('nope') })).rejects.toMatchObject({
      field: 'sentBefore',
    });
    // The engine's cursor shape for this very sort, with a value that is not a timestamp.
    const forged = Buffer.from(JSON.stringify({ s: 'lastInvited.asc', k: ['yesterday', 1] })).toString(
      'base64url',
    );
    await expect(refused({ sort: 'lastInvited', dir: 'asc', before: forged })).rejects.toMatchObject({
      code: 'validation',
      field: 'before',
    });
  });

  it('is for holders of invitations.send only', async () => {
    await expect(
      listPendingMembers(app.deps, { ...admin, role: 'member' }, { sort: 'name', dir: 'asc' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(countPendingMembers(app.deps, { ...admin, role: 'member' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

// Twenty thousand: the size from which the count used to be cached per process for 30 s (decision 0026).
const EXACT_COUNT_BELOW = 20_000;

describe('countPendingMembers', () => {
  it('counts members without a login, exactly while the number is small', async () => {
    const all = await seed(app, roster);
    expect(await countPendingMembers(app.deps, admin)).toBe(pendingIds(all, () => true).length);
    await app.deps.db
      .insert(accounts)
      .values({ memberId: all[0]!.id, username: 'a', usernameLower: 'a', passwordHash: 'x' });
    expect(await countPendingMembers(app.deps, admin)).toBe(pendingIds(all, () => true).length - 1);
  });

  it('counts a large roster exactly at every view (the count is stored, never recounted)', async () => {
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'B' || g, 'First', 'Last' || g, 'b' || g || '@example.org', 'b' || g || '@example.org'
      from generate_series(1, ${EXACT_COUNT_BELOW}) g`);
    expect(await countPendingMembers(app.deps, admin)).toBe(EXACT_COUNT_BELOW);
    const [one] = await queryRows(app.deps.db, sql`select id from members limit 1`, { id: 'number' });
    await app.deps.db
      .insert(accounts)
      .values({ memberId: one!.id, username: 'a', usernameLower: 'a', passwordHash: 'x' });
    expect(await countPendingMembers(app.deps, admin)).toBe(EXACT_COUNT_BELOW - 1);
  });
});
