import type { PendingQuery, PendingSort, SortDir } from '../../../domain/invitations/pendingQuery.ts';

export const INVITATION_CODES_PATH = '/admin/member-management/invitation-codes';
export const sendPath = (memberId: number) => `${INVITATION_CODES_PATH}/${memberId}/send`;
export const SEND_ALL_PATH = `${INVITATION_CODES_PATH}/send-all`;
export const roundPath = (roundId: number) => `${INVITATION_CODES_PATH}/rounds/${roundId}`;
export const CLEAR_ALL_USERNAMES_PATH = `${INVITATION_CODES_PATH}/clear-all-usernames`;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The filters and sort of a query as URL parameters, in a fixed order; defaults are left out. */
export function queryParams(query: PendingQuery, { withSort = true } = {}): URLSearchParams {
  const p = new URLSearchParams();
  if (query.search) p.set('search', query.search);
  if (query.status) p.set('status', query.status);
  if (query.invited) p.set('invited', query.invited);
  if (query.sentBefore) p.set('sentBefore', day(query.sentBefore));
  if (query.deliveryFailed) p.set('deliveryFailed', '1');
  if (withSort && query.sort !== 'name') p.set('sort', query.sort);
  if (withSort && query.dir !== 'asc') p.set('dir', query.dir);
  return p;
}

const withParams = (p: URLSearchParams) => (p.size ? `${INVITATION_CODES_PATH}?${p}` : INVITATION_CODES_PATH);

/** The list with the same filters, sorted by `sort`: ascending first, reversed when it is already the sort. */
export function sortUrl(query: PendingQuery, sort: PendingSort): string {
  const dir: SortDir = query.sort === sort && query.dir === 'asc' ? 'desc' : 'asc';
  return withParams(queryParams({ ...query, sort, dir }));
}

/** Another page of the same list. */
export function pageUrl(query: PendingQuery, cursor: { after: string } | { before: string }): string {
  const p = queryParams(query);
  for (const [k, v] of Object.entries(cursor)) p.set(k, v);
  return withParams(p);
}

/** The same sort without any filter or search. */
export const clearFiltersUrl = (query: Pick<PendingQuery, 'sort' | 'dir'>): string =>
  withParams(queryParams({ sort: query.sort, dir: query.dir }));

export const hasFilters = (q: PendingQuery): boolean =>
  Boolean(q.search || q.status || q.invited || q.sentBefore || q.deliveryFailed);
