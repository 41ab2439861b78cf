import { sql } from 'drizzle-orm';
import type { Page } from '../../db/keyset.ts';
import { keysetParts } from '../../db/keysetParts.ts';
import type { DeliveryState } from '../../db/schema.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { checkRosterQuery, DEFAULT_PAGE_SIZE, type RosterQuery } from './memberRosterQuery.ts';
import {
  type DbDeps,
  filterConditions,
  type RawRow,
  segmentFetch,
  segmentKeys,
  segmentsOf,
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

// A sort's segments always have the same key types, whatever the filters: one keysetParts per sort and
// direction, built on first use rather than on every page.
const partsBySort = new Map<string, ReturnType<typeof keysetParts>>();
function partsOf(query: RosterQuery, segments: ReturnType<typeof segmentsOf>) {
  const scope = `${query.sort}.${query.dir}`;
  let parts = partsBySort.get(scope);
  if (!parts) {
    const keys = segments.map((seg) => {
      const names = segmentKeys(seg);
      return seg.casts.map((type, i) => ({ column: sql.raw(names[i]!), type }));
    });
    parts = keysetParts(keys, query.dir, scope);
    partsBySort.set(scope, parts);
  }
  return parts;
}

/**
 * The report's order for one query: a keyset per segment (keysetParts), the cursor naming the sort, its
 * direction and the segment, and each segment's fetch.
 */
function rosterOrder(deps: DbDeps, query: RosterQuery) {
  const segments = segmentsOf(query.sort, query);
  const parts = partsOf(query, segments);
  const shared = filterConditions(query);
  return { parts, fetches: segments.map((seg, g) => segmentFetch(deps, seg, shared, parts.cursors[g]!)) };
}

/**
 * Member Roster - Current: current members with their login, Last Login and invitation state, filtered
 * and sorted, one keyset page at a time (no OFFSET and no count: a page deep in a million rows costs what
 * the first one does).
 */
export async function listMemberRoster(deps: DbDeps, actor: Actor, query: RosterQuery): Promise<RosterPage> {
  requirePermission(actor, 'reports.read');
  checkRosterQuery(query);
  const { parts, fetches } = rosterOrder(deps, query);
  const position = {
    ...(query.after ? { after: query.after } : {}),
    ...(query.before ? { before: query.before } : {}),
  };
  const page = await parts.page(position, query.limit ?? DEFAULT_PAGE_SIZE, fetches);
  return { ...page, rows: page.rows.map(toRosterMember) };
}

/** Keyset batches stay short queries (~2,000 rows each), so the portal's other requests get in between. */
export const ROSTER_EXPORT_KEYSET_BATCH_SIZE = 2_000;

/**
 * Every row of the report for this query (its cursors and page size ignored), in its order, in keyset
 * batches of raw rows, each continuing from the last row of the one before, each a short query of its own
 * (PGlite has one connection for the whole portal, which a long read would block); memory holds one batch.
 * Where the server can write the file itself, the export does not come here (memberRosterCsv.ts).
 */
export async function* rosterRowBatches(
  deps: DbDeps,
  actor: Actor,
  query: RosterQuery,
  batchSize = ROSTER_EXPORT_KEYSET_BATCH_SIZE,
): AsyncGenerator<RawRow[]> {
  requirePermission(actor, 'reports.read');
  const whole: RosterQuery = { ...query, after: undefined, before: undefined, limit: undefined };
  checkRosterQuery(whole);
  const { parts, fetches } = rosterOrder(deps, whole);
  yield* parts.batches(batchSize, fetches);
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
