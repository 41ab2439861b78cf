import { sql } from 'drizzle-orm';
import type { Page } from '../../db/keyset.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { checkPendingQuery, DEFAULT_PAGE_SIZE, type PendingQuery } from './invitationCodesQuery.ts';
import { searchCondition } from './invitationCodesSearch.ts';
import {
  type DbDeps,
  filterConditions,
  findExactMatch,
  type PendingMember,
  pendingFetch,
  pendingKeyset,
} from './invitationCodesSql.ts';

export type { PendingMember } from './invitationCodesSql.ts';

export type PendingPage = Page<PendingMember> & {
  /** The member whose number is exactly the search, shown first on the first page (it is not repeated later). */
  exactMatchId: number | null;
};

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
  const keys = pendingKeyset(query.sort, query.dir);
  const where = filterConditions(query);
  const search = query.search ? searchCondition(query.search) : null;
  const exact = query.search ? await findExactMatch(deps, where, query.search) : null;
  if (exact) where.push(sql`id <> ${exact.id}`);

  const page = await keys.page(
    query,
    query.limit ?? DEFAULT_PAGE_SIZE,
    pendingFetch(deps, keys, where, search),
  );
  // The exact match heads the first page only: no position, or paging back that reached the start.
  const firstPage = !query.after && page.prev === null;
  return {
    ...page,
    rows: exact && firstPage ? [exact, ...page.rows] : page.rows,
    exactMatchId: exact?.id ?? null,
  };
}
