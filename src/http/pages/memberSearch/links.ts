import type { MemberSearchQuery } from '../../../domain/members/memberSearchQuery.ts';

export const MEMBER_SEARCH_PATH = '/admin/members';
export const memberProfilePath = (memberId: number) => `${MEMBER_SEARCH_PATH}/${memberId}`;

/** The search and filters as URL parameters, in a fixed order; defaults are left out. */
export function queryParams(query: MemberSearchQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (query.search) p.set('search', query.search);
  if (query.status) p.set('status', query.status);
  if (query.login) p.set('login', query.login);
  return p;
}

const withParams = (p: URLSearchParams) => (p.size ? `${MEMBER_SEARCH_PATH}?${p}` : MEMBER_SEARCH_PATH);

/** Another page of the same list: a keyset cursor (listing) or a page number (ranked search). */
export function pageUrl(
  query: MemberSearchQuery,
  to: { after: string } | { before: string } | { page: number },
): string {
  const p = queryParams(query);
  for (const [k, v] of Object.entries(to)) if (!(k === 'page' && v === 1)) p.set(k, String(v));
  return withParams(p);
}

export const hasFilters = (q: MemberSearchQuery): boolean => Boolean(q.search || q.status || q.login);
