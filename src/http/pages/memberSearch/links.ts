import type { PagePosition } from '../../../db/keyset.ts';
import { type MemberSearchQuery, memberSearchParams } from '../../../domain/members/memberSearchQuery.ts';
import { paths, withQuery } from '../../paths.ts';

/** Another page of the same search: a keyset position (listing) or a page number (ranked search). */
export function pageUrl(query: MemberSearchQuery, to: PagePosition | { page: number }): string {
  const { search, status, login } = query;
  return withQuery(paths.memberSearch, memberSearchParams({ search, status, login, ...to }));
}

export const hasFilters = (q: MemberSearchQuery): boolean => Boolean(q.search || q.status || q.login);
