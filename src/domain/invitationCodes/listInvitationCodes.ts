import { type SQL, sql } from 'drizzle-orm';
import type { Page } from '../../db/keyset.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { checkPendingQuery, DEFAULT_PAGE_SIZE, type PendingQuery } from './invitationCodesQuery.ts';
import { closeCondition, isNameLike, searchCondition, withCloseThreshold } from './invitationCodesSearch.ts';
import {
  type DbDeps,
  filterConditions,
  findExactMatch,
  type PendingMember,
  pendingKeyset,
} from './invitationCodesSql.ts';
import { pendingFetch } from './pendingFetch.ts';

export type { PendingMember } from './invitationCodesSql.ts';

export type PendingPage = Page<PendingMember> & {
  /** The member whose number is exactly the search, shown first on the first page (it is not repeated later). */
  exactMatchId: number | null;
  /** Nobody matches the search exactly: these are close matches (a typo: "Castilo" for Castillo). */
  closeMatches: boolean;
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
  const where = filterConditions(query);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const search = query.search;
  if (search && isNameLike(search)) {
    // A cursor of the close matches' scope continues them; a search that matches nobody exactly starts them.
    const close = pendingKeyset(query.sort, query.dir, true);
    const position = query.after ?? query.before;
    if (position && close.parts.probe(position)) return closeMatches(deps, query, where, limit);
  }
  const keys = pendingKeyset(query.sort, query.dir);
  const exact = search ? await findExactMatch(deps, where, search) : null;
  const exactWhere = exact ? [...where, sql`id <> ${exact.id}`] : where;
  const page = await keys.page(
    query,
    limit,
    pendingFetch(deps, keys, exactWhere, search ? searchCondition(search) : null),
  );
  // The exact match heads the first page only: no position, or paging back that reached the start.
  const firstPage = !query.after && page.prev === null;
  const nobody = page.rows.length === 0 && !exact && !query.after && !query.before;
  if (search && isNameLike(search) && nobody) return closeMatches(deps, query, where, limit);
  return {
    ...page,
    rows: exact && firstPage ? [exact, ...page.rows] : page.rows,
    exactMatchId: exact?.id ?? null,
    closeMatches: false,
  };
}

/** The members close to the search, in the list's own sort and paged by its own keyset engine. */
async function closeMatches(
  deps: DbDeps,
  query: PendingQuery,
  where: SQL[],
  limit: number,
): Promise<PendingPage> {
  const keys = pendingKeyset(query.sort, query.dir, true);
  const term = query.search!;
  const page = await withCloseThreshold(deps.db, term, (db) =>
    // No walk down the sort order first: word similarity costs ~5 µs a row to work out, and the trigram
    // index finds the few members close to a typo directly (25 ms less per page on 100k members).
    keys.page(query, limit, pendingFetch({ db }, keys, where, closeCondition(term), { walk: false })),
  );
  return { ...page, exactMatchId: null, closeMatches: true };
}
