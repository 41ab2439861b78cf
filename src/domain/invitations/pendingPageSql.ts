import { type SQL, sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import type { DeliveryState } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { KeyType, PendingQuery, PendingSort, SortDir } from './pendingQuery.ts';
import { exactNumberCandidates } from './pendingSearch.ts';

/** Reading the list needs the database only (the benchmark calls it without a job queue). */
export type DbDeps = Pick<Deps, 'db'>;

export type SortKey = { expr: string; cast: 'text' | 'integer' | 'bigint' | 'timestamptz' };

/** Never invited counts as longest ago; the expression of members_pending_last_invited_idx. */
const LAST_INVITED = `coalesce(last_invited_at, '-infinity'::timestamptz)`;
const ID: SortKey = { expr: 'id', cast: 'bigint' };
const LAST: SortKey = { expr: 'last_name', cast: 'text' };
const FIRST: SortKey = { expr: 'first_name', cast: 'text' };

/**
 * Each sort is the key of one partial index in src/db/schema.ts (members_pending_*), ending in id so that
 * ties are broken the same way on every page. Never invited counts as longest ago: the -infinity
 * sentinel puts those members first oldest-first and last newest-first, inside one index order.
 */
export const SORT_KEYS: Record<PendingSort, readonly SortKey[]> = {
  name: [LAST, FIRST, ID],
  memberNumber: [{ expr: 'member_number', cast: 'text' }, ID],
  email: [{ expr: 'email_lower', cast: 'text' }, ID],
  lastInvited: [{ expr: LAST_INVITED, cast: 'timestamptz' }, ID],
  invitationsSent: [{ expr: 'invitations_sent', cast: 'integer' }, LAST, FIRST, ID],
};

export const keyType = (k: SortKey): KeyType =>
  k.cast === 'text' || k.cast === 'timestamptz' ? k.cast : 'int';

export const COLUMNS = sql.raw(
  'id, member_number, first_name, last_name, email, status, invitations_sent, last_invited_at, delivery_state, delivery_detail',
);

export type RawRow = {
  id: number | string;
  member_number: string;
  first_name: string;
  last_name: string;
  email: string;
  status: 'current' | 'lapsed';
  invitations_sent: number | string;
  last_invited_at: Date | string | null;
  delivery_state: DeliveryState | null;
  delivery_detail: string | null;
  sort_key?: unknown[] | string;
};

export const sortKeyOf = (r: RawRow): unknown[] =>
  typeof r.sort_key === 'string' ? (JSON.parse(r.sort_key) as unknown[]) : (r.sort_key ?? []);

const NEVER = sql.raw(`'-infinity'::timestamptz`);

/**
 * The conditions every query of the list shares: no login, then the filters. Invited / sent-before are
 * written on the sentinel expression of members_pending_last_invited_idx, so a narrow date range can be
 * read from that index, and so the planner estimates them from the expression's own statistics
 * (members_last_invited_stats; a partial expression index gets none) instead of guessing — a guess of
 * "a few thousand rows" for a date that matches nobody had it walk all 700k names (1.4 s on 1M).
 */
export function filterConditions(query: PendingQuery): SQL[] {
  const lastInvited = sql.raw(LAST_INVITED);
  const where: SQL[] = [sql`not has_login`];
  if (query.status) where.push(sql`status = ${query.status}`);
  if (query.invited === 'never') where.push(sql`${lastInvited} = ${NEVER}`);
  if (query.invited === 'invited' || query.sentBefore) where.push(sql`${lastInvited} > ${NEVER}`);
  if (query.sentBefore) where.push(sql`${lastInvited} < ${query.sentBefore}`);
  // A literal, not a parameter, so that the planner can prove members_pending_failed_idx applies.
  if (query.deliveryFailed) where.push(sql`delivery_state = 'failed'`);
  return where;
}

export type Fetch = {
  keys: readonly SortKey[];
  dir: SortDir;
  cursor: (string | number)[] | null;
  limit: number;
};

/** How far down the sort order a search first looks for its page before asking the trigram index. */
const SEARCH_WALK_ROWS = 4000;

/** One keyset page in `dir` order, strictly past `cursor`: limit + 1 rows, the extra one saying "there is more". */
export async function fetchPage(deps: DbDeps, where: SQL[], search: SQL | null, f: Fetch): Promise<RawRow[]> {
  const conditions = [...where];
  if (f.cursor) {
    const columns = sql.raw(f.keys.map((k) => k.expr).join(', '));
    const values = sql.join(
      f.keys.map((k, i) => sql`${f.cursor![i]}::${sql.raw(k.cast)}`),
      sql`, `,
    );
    conditions.push(f.dir === 'asc' ? sql`(${columns}) > (${values})` : sql`(${columns}) < (${values})`);
  }
  const order = sql.raw(f.keys.map((k) => `${k.expr} ${f.dir}`).join(', '));
  const sortKey = sql.raw(`json_build_array(${f.keys.map((k) => k.expr).join(', ')}) as sort_key`);
  const whereSql = sql.join(conditions, sql` and `);
  const take = f.limit + 1;
  if (!search) {
    return queryRows<RawRow>(
      deps.db,
      sql`select ${COLUMNS}, ${sortKey} from members where ${whereSql} order by ${order} limit ${take}`,
    );
  }
  // A search is answered in up to two steps; LIMIT and OFFSET 0 fence each inner query so that the
  // planner cannot merge the steps back into one plan.
  // 1. Read a little way down the sort order: a term spread through the list ("son", "gmail", a first
  //    name) fills the page from there in a few milliseconds.
  const walked = await queryRows<RawRow>(
    deps.db,
    sql`select *, ${sortKey} from (
          select ${COLUMNS}, email_lower from members where ${whereSql} order by ${order} limit ${SEARCH_WALK_ROWS}
        ) w where ${search} order by ${order} limit ${take}`,
  );
  if (walked.length === take) return walked;
  // 2. Otherwise find the trigram matches first and only then order them. Left to itself the planner
  //    walks the sort index hoping to meet matches early, which takes seconds for a surname clustered
  //    far down the name order (PERFORMANCE.md).
  return queryRows<RawRow>(
    deps.db,
    sql`select *, ${sortKey} from (
          select ${COLUMNS}, email_lower from members where ${search} and ${whereSql} offset 0
        ) m order by ${order} limit ${take}`,
  );
}

export async function findExactMatch(deps: DbDeps, where: SQL[], search: string): Promise<RawRow | null> {
  const candidates = exactNumberCandidates(search);
  if (candidates.length === 0) return null;
  const numbers = sql.join(
    candidates.map((c) => sql`${c}`),
    sql`, `,
  );
  const [row] = await queryRows<RawRow>(
    deps.db,
    sql`select ${COLUMNS} from members
        where member_number in (${numbers}) and ${sql.join(where, sql` and `)}
        order by member_number = ${candidates[0]} desc limit 1`,
  );
  return row ?? null;
}
