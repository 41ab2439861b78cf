import { type SQL, sql } from 'drizzle-orm';
import type { Keyed, KeyType } from '../../db/keyset.ts';
import { type Column, queryRows, type RowOf } from '../../db/rows.ts';
import type { DeliveryState } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { isRosterMember } from '../members/madeUpNumbers.ts';
import type { RosterFilter, RosterSort, SortDir } from './memberRosterQuery.ts';

/** Reading the report needs the database only (the benchmark calls it without a job queue). */
export type DbDeps = Pick<Deps, 'db'>;

/**
 * One index-ordered source of rows: FROM, its own conditions, and its sort-key expressions. `sameAs`: other
 * expressions equal to the keys (a join's other side); the keyset condition is put on them too, because
 * the planner does not carry an inequality across a join, and would otherwise walk that side from its start.
 */
type Branch = { from: string; where: string[]; keys: string[]; sameAs?: string[] };

/**
 * A stretch of the report's order. Sorting by a login column puts the members with a value first (one
 * index order on accounts) and those without one after them (read by member id), in both directions —
 * PERFORMANCE.md: ordering with NULLs last is fast only as separately index-ordered parts, each with its
 * own keyset. A segment of several branches (Last Login's "never logged in" and "no login") is their
 * merge on the shared key. A segment without branches is empty under the current filters.
 */
export type Segment = {
  casts: readonly KeyType[];
  branches: Branch[];
  /** A segment of one branch at most, without `sameAs`, read flat (segmentFetch) on these key expressions. */
  flatKeys?: string[];
};

/** The keyset engine's keys of a segment: a flat segment's key expressions, else the names k0, k1, …. */
export const segmentKeys = (seg: Segment): string[] => seg.flatKeys ?? seg.casts.map((_, i) => `k${i}`);

/**
 * The report's columns as its keyset queries read them, on either engine. Times stay PostgreSQL's text
 * ("2026-01-10 10:00:00.123456+00"): the export writes them from it without making a Date (see isoOfRaw),
 * the pages make the Date (toRosterMember). The whole-report statement selects these names too.
 */
const ROSTER_SHAPE = {
  id: 'number',
  member_number: 'text',
  first_name: 'text',
  last_name: 'text',
  email: 'text',
  username: 'text?',
  login_created_at: 'text?',
  last_login_at: 'text?',
  invitations_sent: 'number',
  last_invited_at: 'text?',
  delivery_state: 'text?',
  delivery_detail: 'text?',
} as const satisfies Record<string, Column>;

/** One row of the report as read from the database. */
export type RawRow = Omit<RowOf<typeof ROSTER_SHAPE>, 'delivery_state'> & {
  delivery_state: DeliveryState | null;
};

const COLUMNS = `m.id, m.member_number, m.first_name, m.last_name, m.email, a.username,
  a.created_at as login_created_at, a.last_login_at, m.invitations_sent, m.last_invited_at,
  m.delivery_state, m.delivery_detail`;

/**
 * "Delivery failed only" over the logins reads the failed members with a login first (members_failed_idx;
 * few: a member who joined had their invitation delivered), then joins and sorts them. Walking an accounts
 * index instead, the planner — which cannot know that failing and joining rarely go together — could read
 * all of it looking for them. OFFSET 0 keeps it from merging the step back in. Members without a login are
 * read through the members indexes, where the planner has delivery_state's own statistics to choose by.
 */
const failedWithLogin = `(select * from members where delivery_state = 'failed' and has_login offset 0) m`;

/** Every segment of a sort, in order; the indexes behind them are in src/db/schema.ts. */
export function segmentsOf(sort: RosterSort, f: RosterFilter): Segment[] {
  const byMember = 'members m left join accounts a on a.member_id = m.id';
  const byAccount = `accounts a join ${f.deliveryFailed ? failedWithLogin : 'members m'} on m.id = a.member_id`;
  const dates = Boolean(f.lastLoginAfter || f.lastLoginBefore);
  // A segment of one branch (or none, when filtered out), read flat on its keys (see segmentFetch).
  const flat = (casts: KeyType[], keys: string[], branches: (keys: string[]) => Branch[]): Segment => ({
    casts,
    branches: branches(keys),
    flatKeys: keys,
  });
  const one = (casts: KeyType[], keys: string[]): Segment[] => [
    flat(casts, keys, (k) => [{ from: byMember, where: [], keys: k }]),
  ];
  // Members without a login: nothing to sort them by but the tie-break. Excluded when filtered out, so
  // that no query walks an index looking for rows that cannot match.
  const noLogin = (keys: string[]): Branch[] =>
    f.login === 'has' || dates ? [] : [{ from: byMember, where: ['not m.has_login'], keys }];
  const logins = (where: string[], keys: string[]): Branch[] =>
    f.login === 'none' ? [] : [{ from: byAccount, where, keys }];
  switch (sort) {
    case 'name':
      return one(['text', 'text', 'bigint'], ['m.sort_last_name', 'm.sort_first_name', 'm.id']);
    case 'memberNumber':
      return one(['text'], ['m.member_number']); // unique: no tie-break needed
    case 'email':
      return one(['text', 'bigint'], ['m.email_lower', 'm.id']);
    case 'username':
      return [
        flat(['text'], ['a.username_lower'], (k) => logins([], k)), // unique
        flat(['bigint'], ['m.id'], noLogin),
      ];
    case 'loginCreated':
      return [
        flat(['timestamptz', 'bigint'], ['a.created_at', 'a.member_id'], (k) => logins([], k)),
        flat(['bigint'], ['m.id'], noLogin),
      ];
    case 'lastLogin':
      return [
        flat(['timestamptz', 'bigint'], ['a.last_login_at', 'a.member_id'], (k) =>
          logins(['a.last_login_at is not null'], k),
        ),
        {
          casts: ['bigint'],
          branches: [
            ...(dates
              ? []
              : logins(['a.last_login_at is null'], ['a.member_id']).map((b) => ({
                  ...b,
                  sameAs: ['m.id'],
                }))),
            ...noLogin(['m.id']),
          ],
        },
      ];
  }
}

/** The filter conditions every branch shares. */
export function filterConditions(f: RosterFilter): SQL[] {
  // Made-up administrator records are not members until linked to their roster record (madeUpNumbers.ts).
  const where: SQL[] = [sql`m.status = 'current'`, isRosterMember(sql.raw('m.member_number'))];
  if (f.login === 'has') where.push(sql`m.has_login`);
  if (f.login === 'none') where.push(sql`not m.has_login`);
  // A literal, not a parameter, so that the planner can prove members_failed_idx applies.
  if (f.deliveryFailed) where.push(sql`m.delivery_state = 'failed'`);
  if (f.lastLoginAfter) where.push(sql`a.last_login_at >= ${f.lastLoginAfter.toISOString()}::timestamptz`);
  if (f.lastLoginBefore) where.push(sql`a.last_login_at < ${f.lastLoginBefore.toISOString()}::timestamptz`);
  return where;
}

/**
 * The rows of one segment from the keyset engine's boundary, in its order, up to its limit. A flat segment
 * is one plain statement on its key expressions. Otherwise each branch names its keys k0, k1, … in a
 * subquery the planner flattens, so the engine's boundary and order (written on those names) become index
 * conditions on the branch's own columns; a segment of several branches is their merge on the shared keys,
 * each branch reading at most `limit` rows down its own index. (The subquery costs ~0.03 ms of planning a
 * page: the flat form is kept for the sorts that can have it.)
 */
export function segmentFetch(deps: DbDeps, seg: Segment, shared: SQL[], cursor: SQL) {
  const shape = {
    ...ROSTER_SHAPE,
    cursor: 'text',
    ...(seg.flatKeys
      ? {}
      : Object.fromEntries(seg.casts.map((cast, i) => [`k${i}`, cast === 'bigint' ? 'number' : 'text']))),
  } as const satisfies Record<string, Column>;
  return async (boundary: SQL | null, order: SQL, limit: number) => {
    if (seg.branches.length === 0) return [];
    const where = boundary ?? sql`true`;
    const conditionsOf = (b: Branch) => [...shared, ...b.where.map((w) => sql.raw(w))];
    const flat = (b: Branch) =>
      sql`select ${sql.raw(COLUMNS)}, ${cursor} as cursor from ${sql.raw(b.from)}
          where ${sql.join([...conditionsOf(b), where], sql` and `)} order by ${order} limit ${limit}`;
    const branch = (b: Branch) => {
      const conditions = sql.join(conditionsOf(b), sql` and `);
      const named = (keys: string[], as: string) => keys.map((k, i) => `${k} as ${as}${i}`).join(', ');
      let rows = sql`select ${sql.raw(COLUMNS)}, ${sql.raw(named(b.keys, 'k'))}
        from ${sql.raw(b.from)} where ${conditions}`;
      if (b.sameAs) {
        // The same boundary once more on the join's other side (see Branch), in a subquery of its own.
        const names = Object.keys(ROSTER_SHAPE).join(', ');
        rows = sql`select ${sql.raw(names)}, ${sql.raw(b.keys.map((_, i) => `h${i} as k${i}`).join(', '))}
          from (select ${sql.raw(COLUMNS)}, ${sql.raw(named(b.keys, 'h'))}, ${sql.raw(named(b.sameAs, 'k'))}
                from ${sql.raw(b.from)} where ${conditions}) c where ${where}`;
      }
      return sql`select b.*, ${cursor} as cursor from (${rows}) b where ${where} order by ${order} limit ${limit}`;
    };
    const statement = seg.flatKeys
      ? flat(seg.branches[0]!)
      : seg.branches.length === 1
        ? branch(seg.branches[0]!)
        : sql`select * from (${sql.join(
            seg.branches.map((b) => sql`(${branch(b)})`),
            sql` union all `,
          )}) u order by ${order} limit ${limit}`;
    const rows = await queryRows(deps.db, statement, shape);
    return rows as unknown as (RawRow & Keyed)[];
  };
}

/**
 * The whole report for one query as a single ordered statement (no keyset, no limit), selecting `columns`
 * (SQL over the report's column names, ROSTER_SHAPE): the branches of every segment in one UNION ALL,
 * ordered by segment, then by that segment's keys. Each segment's keys get their own columns (null in the
 * other segments' rows), as their types differ. The order is the one the keyset pages walk: the same keys,
 * ending in a unique one. Null when no segment has a branch under these filters.
 */
export function wholeReportQuery(segments: Segment[], shared: SQL[], dir: SortDir, columns: SQL): SQL | null {
  const keyColumns = segments.flatMap((s, g) =>
    s.casts.map((cast, i) => ({ name: `s${g}k${i}`, cast, g, i })),
  );
  const parts: SQL[] = [];
  segments.forEach((seg, g) => {
    for (const b of seg.branches) {
      const keys = keyColumns
        .map((k) => (k.g === g ? `${b.keys[k.i]} as ${k.name}` : `null::${k.cast} as ${k.name}`))
        .join(', ');
      const conditions = [...shared, ...b.where.map((w) => sql.raw(w))];
      parts.push(sql`select ${sql.raw(COLUMNS)}, ${sql.raw(`${g} as seg, ${keys}`)}
        from ${sql.raw(b.from)} where ${sql.join(conditions, sql` and `)}`);
    }
  });
  if (parts.length === 0) return null;
  const order = sql.raw(['seg', ...keyColumns.map((k) => `${k.name} ${dir}`)].join(', '));
  return sql`select ${columns} from (${sql.join(parts, sql` union all `)}) u order by ${order}`;
}
