import { sql } from 'drizzle-orm';
import type { DeliveryState } from '../../db/schema.ts';
import { type Actor, requirePermission } from '../policy.ts';
import {
  type DbDeps,
  fetchPage,
  filterConditions,
  findExactMatch,
  keyType,
  type RawRow,
  SORT_KEYS,
  sortKeyOf,
} from './pendingPageSql.ts';
import {
  checkPendingQuery,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  type PendingQuery,
  type SortDir,
} from './pendingQuery.ts';
import { searchCondition } from './pendingSearch.ts';

/** One row of Invitation Codes: a member without a portal login and the state of their invitations. */
export type PendingMember = {
  id: number;
  memberNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'current' | 'lapsed';
  invitationsSent: number;
  lastInvitedAt: Date | null;
  deliveryState: DeliveryState | null;
  deliveryDetail: string | null;
};

export type PendingPage = {
  rows: PendingMember[];
  /** Cursors for the pages after and before this one; null where there is none. */
  nextCursor: string | null;
  prevCursor: string | null;
  /** The member whose number is exactly the search, shown first on the first page (it is not repeated later). */
  exactMatchId: number | null;
};

const toMember = (r: RawRow): PendingMember => ({
  id: Number(r.id),
  memberNumber: r.member_number,
  firstName: r.first_name,
  lastName: r.last_name,
  email: r.email,
  status: r.status,
  invitationsSent: Number(r.invitations_sent),
  lastInvitedAt: r.last_invited_at === null ? null : new Date(r.last_invited_at),
  deliveryState: r.delivery_state,
  deliveryDetail: r.delivery_detail,
});

const flip = (dir: SortDir): SortDir => (dir === 'asc' ? 'desc' : 'asc');

/**
 * Invitation Codes: the members who have no portal login yet, searched, filtered and sorted, one keyset
 * page at a time (no OFFSET: a page deep in a million rows costs what the first one does).
 */
export async function listPendingMembers(
  deps: DbDeps,
  actor: Actor,
  query: PendingQuery,
): Promise<PendingPage> {
  requirePermission(actor, 'invitations.send');
  checkPendingQuery(query);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const keys = SORT_KEYS[query.sort];
  const types = keys.map(keyType);
  const after = query.after ? decodeCursor(query.after, query.sort, query.dir, types, 'after') : null;
  const before = query.before ? decodeCursor(query.before, query.sort, query.dir, types, 'before') : null;

  const where = filterConditions(query);
  const search = query.search ? searchCondition(query.search) : null;
  const exact = query.search ? await findExactMatch(deps, where, query.search) : null;
  if (exact) where.push(sql`id <> ${exact.id}`);

  const cursorOf = (row: RawRow) => encodeCursor(query.sort, query.dir, sortKeyOf(row));
  const firstPage = async (): Promise<PendingPage> => {
    const rows = await fetchPage(deps, where, search, { keys, dir: query.dir, cursor: null, limit });
    const page = rows.slice(0, limit);
    return {
      rows: [...(exact ? [toMember(exact)] : []), ...page.map(toMember)],
      nextCursor: rows.length > limit ? cursorOf(page.at(-1)!) : null,
      prevCursor: null,
      exactMatchId: exact ? Number(exact.id) : null,
    };
  };

  if (before) {
    const rows = await fetchPage(deps, where, search, { keys, dir: flip(query.dir), cursor: before, limit });
    // Reaching the start going backwards: show the real first page, full and with its exact match.
    if (rows.length <= limit) return firstPage();
    const page = rows.slice(0, limit).reverse();
    return {
      rows: page.map(toMember),
      nextCursor: cursorOf(page.at(-1)!),
      prevCursor: cursorOf(page[0]!),
      exactMatchId: exact ? Number(exact.id) : null,
    };
  }
  if (!after) return firstPage();
  const rows = await fetchPage(deps, where, search, { keys, dir: query.dir, cursor: after, limit });
  const page = rows.slice(0, limit);
  return {
    rows: page.map(toMember),
    nextCursor: rows.length > limit ? cursorOf(page.at(-1)!) : null,
    prevCursor: page.length > 0 ? cursorOf(page[0]!) : null,
    exactMatchId: exact ? Number(exact.id) : null,
  };
}
