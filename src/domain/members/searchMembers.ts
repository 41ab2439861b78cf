import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { DbDeps } from '../invitationCodes/invitationCodesSql.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { listByName } from './memberSearchList.ts';
import { checkMemberSearchQuery, MEMBER_PAGE_SIZE, type MemberSearchQuery } from './memberSearchQuery.ts';
import { rankedSearch } from './memberSearchRanked.ts';
import type { MemberSearchResult } from './memberSearchRows.ts';

export type { MemberSearchResult, MemberSearchRow } from './memberSearchRows.ts';

async function rosterIsEmpty(deps: DbDeps): Promise<boolean> {
  const [row] = await queryRows(deps.db, sql`select exists (select 1 from members) as any`, {
    any: 'boolean',
  });
  return !row?.any;
}

/**
 * Admin > Member Search. Without a search term: every member by name, one keyset page at a time. With
 * one: exact member number / username / email first, then the best trigram matches on name, email and
 * member number (typo-tolerant through word similarity), bounded to the top SEARCH_TOP_N.
 */
export async function searchMembers(
  deps: DbDeps,
  actor: Actor,
  query: MemberSearchQuery,
): Promise<MemberSearchResult> {
  requirePermission(actor, 'members.read');
  checkMemberSearchQuery(query);
  const limit = query.limit ?? MEMBER_PAGE_SIZE;
  const term = query.search?.trim() ?? '';
  const result = term ? await rankedSearch(deps, query, term, limit) : await listByName(deps, query, limit);
  if (result.rows.length === 0 && !query.after && !query.before && (result.page ?? 1) === 1) {
    result.rosterEmpty = await rosterIsEmpty(deps);
  }
  return result;
}
