import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { type Key, type Keyed, type Keyset, keyset } from '../../db/keyset.ts';
import { queryRows, type Shape } from '../../db/rows.ts';
import type { DeliveryState } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { ROSTER_ENTRY_SHAPE, type RosterEntry } from '../members/rosterEntry.ts';
import type { PendingQuery, PendingSort, SortDir } from './invitationCodesQuery.ts';
import { exactNumberCandidates } from './invitationCodesSearch.ts';

/** Reading the list needs the database only (the benchmark calls it without a job queue). */
export type DbDeps = Pick<Deps, 'db'>;
/** The list read inside a transaction (close matches set their similarity threshold for it). */
export type ReadDeps = { db: DbOrTx };

/** One row of Invitation Codes: a member without a portal login and the state of their invitations. */
export type PendingMember = RosterEntry & {
  id: number;
  invitationsSent: number;
  lastInvitedAt: Date | null;
  deliveryState: DeliveryState | null;
  deliveryDetail: string | null;
};

/** Never invited counts as longest ago; the expression of members_pending_last_invited_idx. */
const LAST_INVITED = sql.raw(`coalesce(last_invited_at, '-infinity'::timestamptz)`);
const ID: Key = { column: sql.raw('id'), type: 'bigint' };
// Names sort with accents removed (Ångström under A): stored sort keys, see src/db/schema/members.ts.
const LAST: Key = { column: sql.raw('sort_last_name'), type: 'text' };
const FIRST: Key = { column: sql.raw('sort_first_name'), type: 'text' };

/**
 * Each sort is the key of one partial index in src/db/schema.ts (members_pending_*), ending in id so that
 * ties are broken the same way on every page. Never invited counts as longest ago: the -infinity
 * sentinel puts those members first oldest-first and last newest-first, inside one index order. The keys
 * are unqualified column names: the search's second step reads them from its subquery.
 */
export const SORT_KEYS: Record<PendingSort, readonly Key[]> = {
  name: [LAST, FIRST, ID],
  memberNumber: [{ column: sql.raw('member_number'), type: 'text' }, ID],
  email: [{ column: sql.raw('email_lower'), type: 'text' }, ID],
  lastInvited: [{ column: LAST_INVITED, type: 'timestamptz' }, ID],
  invitationsSent: [{ column: sql.raw('invitations_sent'), type: 'integer' }, LAST, FIRST, ID],
};

// Close matches (a search that matches nobody exactly) page with keysets of their own scope, so that a
// cursor says which kind of list it belongs to and the next page keeps showing close matches.
const scopeOf = (sort: string, dir: SortDir, close: boolean) => `${sort}.${dir}${close ? '.close' : ''}`;
const KEYSETS = new Map(
  Object.entries(SORT_KEYS).flatMap(([sort, keys]) =>
    (['asc', 'desc'] as const).flatMap((dir) =>
      [false, true].map((close) => [scopeOf(sort, dir, close), keyset(keys, dir, scopeOf(sort, dir, close))]),
    ),
  ),
);

/**
 * The keyset of one sort and direction (built once), of exact or close matches; a cursor of another sort,
 * direction or kind of match is out of date.
 */
export function pendingKeyset(sort: PendingSort, dir: SortDir, close = false): Keyset {
  const keys = KEYSETS.get(scopeOf(sort, dir, close));
  if (!keys) throw new Error(`No keyset for sort ${sort} ${dir}`);
  return keys;
}

/**
 * Every column a sort key reads (SORT_KEYS): a search finds its page's keys first, selecting these, and
 * reads the page's other columns for that page only (pendingFetch.ts). Columns a sort does not read are
 * dropped by the planner.
 */
export const SORT_COLUMNS = sql.raw(
  'id, member_number, email_lower, last_invited_at, invitations_sent, sort_last_name, sort_first_name',
);

/** The list's columns named as a PendingMember names them (PENDING_SHAPE). */
export const AS_PENDING = sql.raw(
  `id, member_number as "memberNumber", first_name as "firstName", last_name as "lastName", email, status,
   invitations_sent as "invitationsSent", last_invited_at as "lastInvitedAt",
   delivery_state as "deliveryState", delivery_detail as "deliveryDetail"`,
);

/** How a row of AS_PENDING is read: one JavaScript type per column on every engine (db/rows.ts). */
const PENDING_SHAPE = {
  id: 'number',
  ...ROSTER_ENTRY_SHAPE,
  invitationsSent: 'number',
  lastInvitedAt: 'date?',
  deliveryState: 'text?',
  deliveryDetail: 'text?',
} as const satisfies Shape;

/** A page's rows also carry the keyset engine's cursor (a JSON array of the row's key values). */
export const KEYED_SHAPE = { ...PENDING_SHAPE, cursor: 'text' } as const satisfies Shape;

// The shapes read status and delivery_state as text; the columns hold only their enums' values.
const readPending = (deps: DbDeps, statement: SQL) =>
  queryRows(deps.db, statement, PENDING_SHAPE) as Promise<PendingMember[]>;
export const readKeyed = (deps: ReadDeps, statement: SQL) =>
  queryRows(deps.db, statement, KEYED_SHAPE) as Promise<(PendingMember & Keyed)[]>;

const NEVER = sql.raw(`'-infinity'::timestamptz`);

/**
 * The conditions every query of the list shares: no login, then the filters. Invited / sent-before are
 * written on the sentinel expression of members_pending_last_invited_idx, so a narrow date range can be
 * read from that index, and so the planner estimates them from the expression's own statistics
 * (members_last_invited_stats; a partial expression index gets none) instead of guessing — a guess of
 * "a few thousand rows" for a date that matches nobody had it walk all 700k names (1.4 s on 1M).
 */
export function filterConditions(query: PendingQuery): SQL[] {
  const where: SQL[] = [sql`not has_login`];
  if (query.status) where.push(sql`status = ${query.status}`);
  if (query.invited === 'never') where.push(sql`${LAST_INVITED} = ${NEVER}`);
  if (query.invited === 'invited' || query.sentBefore) where.push(sql`${LAST_INVITED} > ${NEVER}`);
  if (query.sentBefore) where.push(sql`${LAST_INVITED} < ${query.sentBefore}`);
  // A literal, not a parameter, so that the planner can prove members_pending_failed_idx applies.
  if (query.deliveryFailed) where.push(sql`delivery_state = 'failed'`);
  return where;
}

export async function findExactMatch(
  deps: DbDeps,
  where: SQL[],
  search: string,
): Promise<PendingMember | null> {
  const candidates = exactNumberCandidates(search);
  if (candidates.length === 0) return null;
  const numbers = sql.join(
    candidates.map((c) => sql`${c}`),
    sql`, `,
  );
  const [row] = await readPending(
    deps,
    sql`select ${AS_PENDING} from members
        where member_number in (${numbers}) and ${sql.join(where, sql` and `)}
        order by member_number = ${candidates[0]} desc limit 1`,
  );
  return row ?? null;
}
