import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import {
  type PendingQuery,
  type PendingSort,
  pendingSorts,
} from '../../src/domain/invitationCodes/invitationCodesQuery.ts';
import { searchCondition } from '../../src/domain/invitationCodes/invitationCodesSearch.ts';
import { pendingKeyset } from '../../src/domain/invitationCodes/invitationCodesSql.ts';
import { listPendingMembers } from '../../src/domain/invitationCodes/listInvitationCodes.ts';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };

/**
 * 2,000 members shaped so that a search takes each of its ways (src/domain/invitationCodes/pendingFetch.ts):
 * "sam" is the first name of three in four, spread through every order (the walk down the order finds a
 * page); "zed" starts the last 700 surnames (by name ascending they lie beyond the walk's budget and the
 * trigram matches are read; descending the walk meets them at once) and the first name of one member near
 * the start, after whom a walk by name runs out of budget; "abel01234" is one member (too few matches to
 * walk for). Some have a login or are lapsed, and invitations differ.
 */
async function seedRoster(): Promise<void> {
  await app.deps.db.execute(sql`
    insert into members (member_number, first_name, last_name, email, email_lower, status,
                         invitations_sent, last_invited_at)
    select 'N' || lpad(((g * 7919) % 2003)::text, 5, '0'),
           case when g = 3 then 'Zedd' when g % 4 = 0 then 'Gwen' else 'Sam' end,
           case when g > 1300 then 'Zed' || lpad(g::text, 5, '0') else 'Abel' || lpad(g::text, 5, '0') end,
           'm' || ((g * 104729) % 2003) || '@example.org', 'm' || ((g * 104729) % 2003) || '@example.org',
           case when g % 5 = 0 then 'lapsed' else 'current' end,
           g % 3,
           case when g % 3 = 0 then null else '2026-01-01T00:00:00Z'::timestamptz + (g % 97) * interval '1 hour' end
    from generate_series(1, 2000) g`);
  await app.deps.db.execute(sql`
    insert into accounts (member_id, username, username_lower, password_hash)
    select id, 'u' || id, 'u' || id, 'x' from members where id % 13 = 0`);
  await app.deps.db.execute(sql`analyze members`);
}

/** The matches in the list's order, read by the plainest query: what every way of searching must show. */
async function expected(sort: PendingSort, dir: 'asc' | 'desc', search: string, lapsed = false) {
  const rows = await queryRows(
    app.deps.db,
    sql`select id from members where not has_login and ${searchCondition(search)}
        ${lapsed ? sql`and status = 'lapsed'` : sql``} order by ${pendingKeyset(sort, dir).order}`,
    { id: 'number' },
  );
  return rows.map((r) => r.id);
}

/** Every page from the first by following next, then back again by prev: the ids both ways. */
async function pageThrough(query: PendingQuery) {
  const forward: number[][] = [];
  let page = await listPendingMembers(app.deps, admin, query);
  forward.push(page.rows.map((r) => r.id));
  while (page.next) {
    page = await listPendingMembers(app.deps, admin, { ...query, after: page.next });
    forward.push(page.rows.map((r) => r.id));
    expect(forward.length).toBeLessThan(40);
  }
  const backward: number[][] = [page.rows.map((r) => r.id)];
  while (page.prev) {
    page = await listPendingMembers(app.deps, admin, { ...query, before: page.prev });
    backward.unshift(page.rows.map((r) => r.id));
    expect(backward.length).toBeLessThan(40);
  }
  return { forward: forward.flat(), backward: backward.flat() };
}

describe('Invitation Codes search, whichever way it finds its page', () => {
  // Many pages on a 2,000-member roster: slow on a busy machine, never a timing assertion.
  it('shows exactly the matches in the chosen order, a page at a time both ways', {
    timeout: 120_000,
  }, async () => {
    await seedRoster();
    const cases: [string, PendingSort, 'asc' | 'desc', number][] = [
      ['zed', 'name', 'asc', 100],
      ['zed', 'name', 'desc', 100],
      ['sam', 'lastInvited', 'desc', 200],
      ['abel01234', 'email', 'asc', 50],
    ];
    for (const [search, sort, dir, limit] of cases) {
      const want = await expected(sort, dir, search);
      expect(want.length, search).toBeGreaterThan(0);
      const { forward, backward } = await pageThrough({ search, sort, dir, limit });
      expect(forward, `${search} by ${sort} ${dir}`).toEqual(want);
      expect(backward, `${search} by ${sort} ${dir}, back`).toEqual(want);
    }
  });

  it('gives the first two pages of every sort right for frequent and clustered terms and with filters', {
    timeout: 120_000,
  }, async () => {
    await seedRoster();
    for (const sort of pendingSorts) {
      for (const dir of ['asc', 'desc'] as const) {
        for (const [search, lapsed] of [
          ['sam', false],
          ['zed', false],
          ['zed sam', true],
        ] as const) {
          const want = await expected(sort, dir, search, lapsed);
          const query: PendingQuery = {
            search,
            sort,
            dir,
            limit: 30,
            ...(lapsed ? { status: 'lapsed' } : {}),
          };
          const first = await listPendingMembers(app.deps, admin, query);
          const label = `${search} by ${sort} ${dir}${lapsed ? ', lapsed' : ''}`;
          expect(
            first.rows.map((r) => r.id),
            label,
          ).toEqual(want.slice(0, 30));
          if (!first.next) continue;
          const second = await listPendingMembers(app.deps, admin, { ...query, after: first.next });
          expect(
            second.rows.map((r) => r.id),
            label,
          ).toEqual(want.slice(30, 60));
          const back = await listPendingMembers(app.deps, admin, { ...query, before: second.prev! });
          expect(
            back.rows.map((r) => r.id),
            label,
          ).toEqual(want.slice(0, 30));
        }
      }
    }
  });

  it('walks on past its first rows when the matches begin further down the order', {
    timeout: 120_000,
  }, async () => {
    // 9,000 members: the first 2,500 by name match nothing, every later one is a "Sam" — more matches
    // than a short walk can reach (pendingFetch.ts SHORT_WALK_ROWS), all within the budget.
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower, status)
      select 'W' || lpad(g::text, 5, '0'), case when g > 2500 then 'Sam' else 'Gwen' end,
             'Abel' || lpad(g::text, 5, '0'), 'w' || g || '@example.org', 'w' || g || '@example.org', 'current'
      from generate_series(1, 9000) g`);
    await app.deps.db.execute(sql`analyze members`);
    const statements: string[] = [];
    const dialect = new PgDialect();
    const db = new Proxy(app.deps.db, {
      get(target, prop, receiver) {
        if (prop !== 'execute') return Reflect.get(target, prop, receiver);
        return (statement: Parameters<typeof target.execute>[0]) => {
          statements.push(dialect.sqlToQuery(statement as SQL).sql);
          return target.execute(statement);
        };
      },
    });
    const query: PendingQuery = { search: 'sam', sort: 'name', dir: 'asc', limit: 50 };
    const first = await listPendingMembers({ ...app.deps, db }, admin, query);
    expect(first.rows.map((r) => r.id)).toEqual((await expected('name', 'asc', 'sam')).slice(0, 50));
    // The member-number lookup, the short walk, the longer walk: no trigram read (pageOf's lateral join).
    expect(statements.filter((s) => s.includes('cross join lateral'))).toEqual([]);
    expect(statements).toHaveLength(3);
  });
});
