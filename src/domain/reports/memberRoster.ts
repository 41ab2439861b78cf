import type { SQL } from 'drizzle-orm';
import type { Page } from '../../db/keyset.ts';
import type { DeliveryState } from '../../db/schema.ts';
import { type Actor, requirePermission } from '../policy.ts';
import {
  checkRosterQuery,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  type RosterQuery,
  type SortDir,
} from './memberRosterQuery.ts';
import {
  type DbDeps,
  fetchSegment,
  filterConditions,
  type KeyedRow,
  type RawRow,
  readRosterRow,
  segmentsOf,
  wholeReportQuery,
} from './memberRosterSql.ts';

/** One row of Member Roster - Current: a current member, their login and their invitation state. */
export type RosterMember = {
  id: number;
  memberNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  username: string | null;
  loginCreatedAt: Date | null;
  lastLoginAt: Date | null;
  invitationsSent: number;
  lastInvitedAt: Date | null;
  deliveryState: DeliveryState | null;
  deliveryDetail: string | null;
};

/** A page of the report, as every keyset list gives one: its rows and the cursors next to it. */
export type RosterPage = Page<RosterMember>;

const date = (v: string | null) => (v === null ? null : new Date(v));

export const toRosterMember = (r: RawRow): RosterMember => ({
  id: r.id,
  memberNumber: r.member_number,
  firstName: r.first_name,
  lastName: r.last_name,
  email: r.email,
  username: r.username,
  loginCreatedAt: date(r.login_created_at),
  lastLoginAt: date(r.last_login_at),
  invitationsSent: r.invitations_sent,
  lastInvitedAt: date(r.last_invited_at),
  deliveryState: r.delivery_state,
  deliveryDetail: r.delivery_detail,
});

type Tagged = KeyedRow & { segment: number };
type Position = { segment: number; keys: (string | number)[] } | null;

const flip = (dir: SortDir): SortDir => (dir === 'asc' ? 'desc' : 'asc');

/**
 * A reader over the report's whole order for one query: `walk` returns up to `limit` rows from a position
 * onwards, going forwards (the report's order) or backwards, crossing from one segment into the next.
 */
function rosterReader(deps: DbDeps, query: RosterQuery) {
  const segments = segmentsOf(query.sort, query);
  const shared: SQL[] = filterConditions(query);
  return {
    castsOf: (g: number) => segments[g]?.casts,
    cursorOf: (r: Tagged) => encodeCursor(query.sort, query.dir, r.segment, r.sort_key),
    async walk(from: Position, backwards: boolean, limit: number): Promise<Tagged[]> {
      const rows: Tagged[] = [];
      const dir = backwards ? flip(query.dir) : query.dir;
      const start = from ? from.segment : backwards ? segments.length - 1 : 0;
      for (let g = start; g >= 0 && g < segments.length && rows.length < limit; g += backwards ? -1 : 1) {
        const cursor = from && g === from.segment ? from.keys : null;
        const got = await fetchSegment(deps, segments[g]!, shared, {
          dir,
          cursor,
          limit: limit - rows.length,
        });
        for (const r of got) rows.push({ ...r, segment: g });
      }
      return rows;
    },
  };
}

/**
 * Member Roster - Current: current members with their login, Last Login and invitation state, filtered
 * and sorted, one keyset page at a time (no OFFSET and no count: a page deep in a million rows costs what
 * the first one does).
 */
export async function listMemberRoster(deps: DbDeps, actor: Actor, query: RosterQuery): Promise<RosterPage> {
  requirePermission(actor, 'reports.read');
  checkRosterQuery(query);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const reader = rosterReader(deps, query);
  const position = (cursor: string | undefined, field: string): Position =>
    cursor ? decodeCursor(cursor, query, reader.castsOf, field) : null;
  const after = position(query.after, 'after');
  const before = position(query.before, 'before');

  if (before) {
    const rows = await reader.walk(before, true, limit + 1);
    // Reaching the start going backwards: show the real first page, full.
    if (rows.length > limit) {
      const page = rows.slice(0, limit).reverse();
      return {
        rows: page.map(toRosterMember),
        next: reader.cursorOf(page.at(-1)!),
        prev: reader.cursorOf(page[0]!),
      };
    }
  }
  const rows = await reader.walk(before ? null : after, false, limit + 1);
  const page = rows.slice(0, limit);
  return {
    rows: page.map(toRosterMember),
    next: rows.length > limit ? reader.cursorOf(page.at(-1)!) : null,
    prev: after && page.length > 0 ? reader.cursorOf(page[0]!) : null,
  };
}

/**
 * Rows per FETCH from a server-side cursor while exporting: the export streams batch after batch, never the
 * whole report at once.
 */
export const ROSTER_EXPORT_BATCH_SIZE = 10_000;
/** Keyset batches stay short queries (~2,000 rows each), so the portal's other requests get in between. */
export const ROSTER_EXPORT_KEYSET_BATCH_SIZE = 2_000;

/**
 * Every row of the report for this query (its cursors and page size ignored), in its order, in batches of
 * raw rows; memory holds one batch.
 *
 * Where the database can read on a connection of its own (`db.cursorBatches`: PostgreSQL): one ordered
 * statement through a server-side cursor, in one snapshot for the whole file, `batchSize` rows at a time
 * with every value as text. The planner reads and sorts the rows in one go (a hash join and a sort, as
 * COPY would) instead of an index lookup per row per batch. Stopping early (a download cut short) frees
 * the connection.
 *
 * Otherwise (PGlite: one connection for the whole portal, which a long read would block): keyset batches,
 * each continuing from the last row of the one before, each a short query of its own.
 */
export async function* rosterRowBatches(
  deps: DbDeps,
  actor: Actor,
  query: RosterQuery,
  batchSize?: number,
): AsyncGenerator<RawRow[]> {
  requirePermission(actor, 'reports.read');
  const whole: RosterQuery = { ...query, after: undefined, before: undefined, limit: undefined };
  checkRosterQuery(whole);
  if (deps.db.cursorBatches) {
    const statement = wholeReportQuery(segmentsOf(whole.sort, whole), filterConditions(whole), whole.dir);
    if (!statement) return;
    for await (const batch of deps.db.cursorBatches(statement, batchSize ?? ROSTER_EXPORT_BATCH_SIZE)) {
      yield batch.map(readRosterRow);
    }
    return;
  }
  const reader = rosterReader(deps, whole);
  const size = batchSize ?? ROSTER_EXPORT_KEYSET_BATCH_SIZE;
  let from: Position = null;
  for (;;) {
    const batch = await reader.walk(from, false, size);
    if (batch.length === 0) return;
    yield batch;
    if (batch.length < size) return;
    const last = batch.at(-1)!;
    from = { segment: last.segment, keys: last.sort_key as (string | number)[] };
  }
}

/** The same rows as `rosterRowBatches`, as report rows (Dates and numbers). */
export async function* memberRosterBatches(
  deps: DbDeps,
  actor: Actor,
  query: RosterQuery,
  batchSize?: number,
): AsyncGenerator<RosterMember[]> {
  for await (const batch of rosterRowBatches(deps, actor, query, batchSize)) yield batch.map(toRosterMember);
}
