import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/db/schema.ts';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { listMemberRoster, type RosterMember } from '../../src/domain/reports/memberRoster.ts';
import {
  memberRosterInput,
  type RosterFilter,
  type RosterQuery,
  rosterSorts,
} from '../../src/domain/reports/memberRosterQuery.ts';
import { isAppError } from '../../src/errors.ts';
import { useTestApp } from '../harness.ts';
import { expectedOrder, login, roster, type Seeded, seed } from './memberRosterSeed.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };

/** Every page from the first by following `next`, then back again by `prev`. */
async function walk(query: Omit<RosterQuery, 'after' | 'before'>) {
  const forward: RosterMember[][] = [];
  let page = await listMemberRoster(app.deps, admin, query);
  forward.push(page.rows);
  while (page.next) {
    page = await listMemberRoster(app.deps, admin, { ...query, after: page.next });
    forward.push(page.rows);
    expect(forward.length).toBeLessThan(100);
  }
  const backward: RosterMember[][] = [page.rows];
  while (page.prev) {
    page = await listMemberRoster(app.deps, admin, { ...query, before: page.prev });
    backward.unshift(page.rows);
    expect(backward.length).toBeLessThan(100);
  }
  return { forward, backward, ids: forward.flat().map((m) => m.id) };
}

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const filters: [string, RosterFilter, (m: Seeded) => boolean][] = [
  ['has a login', { login: 'has' }, (m) => !!m.login],
  ['no login', { login: 'none' }, (m) => !m.login],
  ['delivery failed', { deliveryFailed: true }, (m) => m.delivery === 'failed'],
  [
    'last login after 2026-01-10',
    { lastLoginAfter: day('2026-01-10') },
    (m) => !!m.login?.lastLogin && new Date(m.login.lastLogin) >= day('2026-01-10'),
  ],
  [
    'last login before 2026-01-10, has login, failed',
    { lastLoginBefore: day('2026-01-10'), login: 'has', deliveryFailed: true },
    (m) => !!m.login?.lastLogin && new Date(m.login.lastLogin) < day('2026-01-10') && m.delivery === 'failed',
  ],
  [
    'last login in [2026-01-01, 2026-01-11)',
    { lastLoginAfter: day('2026-01-01'), lastLoginBefore: day('2026-01-11') },
    (m) =>
      !!m.login?.lastLogin &&
      new Date(m.login.lastLogin) >= day('2026-01-01') &&
      new Date(m.login.lastLogin) < day('2026-01-11'),
  ],
];

describe('listMemberRoster', () => {
  it('lists current members only, with their login, Last Login and invitation state', async () => {
    const all = await seed(app, roster);
    const { rows } = await listMemberRoster(app.deps, admin, {
      sort: 'memberNumber',
      dir: 'asc',
      limit: 200,
    });
    expect(rows.map((r) => r.id)).toEqual(expectedOrder(all, 'memberNumber', 'asc'));
    expect(rows.map((r) => r.memberNumber)).not.toContain('M05'); // lapsed
    const grace = rows.find((r) => r.memberNumber === 'M04')!;
    expect(grace).toMatchObject({
      firstName: 'Grace',
      username: 'Grace',
      invitationsSent: 1,
      deliveryState: 'sent',
    });
    expect(grace.lastLoginAt).toEqual(new Date('2026-01-10T10:00:00.123Z'));
    expect(grace.loginCreatedAt).toEqual(new Date('2025-07-01T00:00:00Z'));
    const mary = rows.find((r) => r.memberNumber === 'M08')!;
    expect(mary).toMatchObject({ username: 'mary', lastLoginAt: null, deliveryState: null });
    const zed = rows.find((r) => r.memberNumber === 'M12')!;
    expect(zed).toMatchObject({
      username: null,
      loginCreatedAt: null,
      lastLoginAt: null,
      lastInvitedAt: null,
    });
  });

  for (const sort of rosterSorts) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`sorts by ${sort} ${dir}, no value last, and pages both ways with no gap or repeat`, async () => {
        const all = await seed(app, roster);
        const expected = expectedOrder(all, sort, dir);
        for (const limit of [1, 2, 3, 5, 50]) {
          const { forward, backward, ids } = await walk({ sort, dir, limit });
          expect(ids, `limit ${limit}`).toEqual(expected);
          expect(backward.map((p) => p.map((m) => m.id))).toEqual(forward.map((p) => p.map((m) => m.id)));
          for (const p of forward.slice(0, -1)) expect(p).toHaveLength(limit);
        }
        for (const [name, filter, keep] of filters) {
          const { ids } = await walk({ sort, dir, limit: 2, ...filter });
          expect(ids, name).toEqual(expectedOrder(all, sort, dir, keep));
        }
      });
    }
  }

  it('puts the never-logged-in and no-login members last by Last Login, whichever way it runs', async () => {
    const all = await seed(app, roster);
    const number = (id: number) => all.find((m) => m.id === id)!.number;
    const asc = (await listMemberRoster(app.deps, admin, { sort: 'lastLogin', dir: 'asc' })).rows;
    const desc = (await listMemberRoster(app.deps, admin, { sort: 'lastLogin', dir: 'desc' })).rows;
    expect(asc.map((r) => r.memberNumber).slice(0, 2)).toEqual(['M09', 'M10']);
    expect(desc.map((r) => r.memberNumber).slice(0, 2)).toEqual(['A100', 'M04']);
    for (const rows of [asc, desc]) {
      const firstNull = rows.findIndex((r) => r.lastLoginAt === null);
      expect(firstNull).toBe(6);
      expect(rows.slice(firstNull).every((r) => r.lastLoginAt === null)).toBe(true);
    }
    // Among themselves, ties on "no Last Login" are broken by member id in the sort's direction.
    expect(desc.slice(6).map((r) => number(r.id))).toEqual(['M12', 'M11', 'M08', 'M07', 'M06', 'M03']);
    expect(asc.slice(6).map((r) => number(r.id))).toEqual(['M03', 'M06', 'M07', 'M08', 'M11', 'M12']);
  });

  it('follows logins made and removed after a page was read', async () => {
    const [a, b] = await seed(app, [
      { number: 'N1', first: 'New', last: 'Comer' },
      {
        number: 'N2',
        first: 'Old',
        last: 'Timer',
        login: login('old', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
      },
    ]);
    const ids = async () =>
      (await listMemberRoster(app.deps, admin, { sort: 'lastLogin', dir: 'desc' })).rows.map((r) => r.id);
    expect(await ids()).toEqual([b!.id, a!.id]);
    await app.deps.db
      .insert(accounts)
      .values({ memberId: a!.id, username: 'new', usernameLower: 'new', passwordHash: 'x' });
    await app.deps.db.execute(
      sql`update accounts set last_login_at = '2026-01-01T00:00:00Z' where username = 'new'`,
    );
    expect(await ids()).toEqual([a!.id, b!.id]);
  });

  it('refuses bad filters, naming each field, and cursors from another sort or edited by hand', async () => {
    const fieldsOf = (raw: Record<string, unknown>) => {
      const parsed = memberRosterInput.safeParse(raw);
      if (parsed.success) return null;
      return Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
    };
    expect(Object.keys(fieldsOf({ lastLoginAfter: '2026-02-30', lastLoginBefore: 'soon' })!)).toEqual([
      'lastLoginAfter',
      'lastLoginBefore',
    ]);
    expect(Object.keys(fieldsOf({ lastLoginAfter: '2026-02-02', lastLoginBefore: '2026-02-01' })!)).toEqual([
      'lastLoginBefore',
    ]);
    expect(Object.keys(fieldsOf({ login: 'maybe', sort: 'invitationsSent', dir: 'up' })!)).toEqual([
      'login',
      'sort',
      'dir',
    ]);
    expect(fieldsOf({ login: 'none', lastLoginAfter: '2026-01-01' })).toHaveProperty('login');
    expect(
      memberRosterInput.parse({ login: 'any', sort: 'lastLogin', dir: 'desc', deliveryFailed: '1' }),
    ).toEqual({
      sort: 'lastLogin',
      dir: 'desc',
      deliveryFailed: true,
    });

    await seed(app, roster);
    const page = await listMemberRoster(app.deps, admin, { sort: 'lastLogin', dir: 'asc', limit: 2 });
    const refused = async (q: RosterQuery) => {
      const error = await listMemberRoster(app.deps, admin, q).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('validation');
    };
    await refused({ sort: 'lastLogin', dir: 'desc', after: page.next! });
    await refused({ sort: 'name', dir: 'asc', after: page.next! });
    const body = JSON.parse(Buffer.from(page.next!, 'base64url').toString());
    const forge = (b: unknown) => Buffer.from(JSON.stringify(b)).toString('base64url');
    await refused({
      sort: 'lastLogin',
      dir: 'asc',
      after: forge({ ...body, k: ["x'); drop table members; --", 1] }),
    });
    await refused({ sort: 'lastLogin', dir: 'asc', after: forge({ ...body, s: 'lastLogin.asc.7' }) });
    await refused({ sort: 'lastLogin', dir: 'asc', after: 'not base64 json' });
  });

  it('is for those who may read reports: a member is refused', async () => {
    const error = await listMemberRoster(
      app.deps,
      { ...admin, role: 'member' },
      { sort: 'name', dir: 'asc' },
    ).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('forbidden');
  });
});
