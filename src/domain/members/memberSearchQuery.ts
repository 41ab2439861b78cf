import { MAX_SEARCH_LENGTH } from '../invitations/pendingQuery.ts';
import { badParam, oneParam } from '../queryParams.ts';

export type LoginFilter = 'yes' | 'no';

/** Admin > Member Search: a search term and filters, and where in the list to start. */
export type MemberSearchQuery = {
  /** Name, email, member number or username. */
  search?: string;
  status?: 'current' | 'lapsed';
  login?: LoginFilter;
  /** Listing by name (no search): opaque keyset cursors from a previous page. */
  after?: string;
  before?: string;
  /** Ranked search results: which page of the bounded top matches (1-based). */
  page?: number;
  limit?: number;
};

export const MEMBER_PAGE_SIZE = 50;
/** Ranked search results are bounded: the best this many matches, then the admin refines the search. */
export const SEARCH_TOP_N = 200;

const maxPage = (limit: number) => Math.ceil(SEARCH_TOP_N / limit);

/** The Member Search query from a URL's query string; each bad value is an AppError naming its field. */
export function parseMemberSearchQuery(raw: Record<string, unknown>): MemberSearchQuery {
  const query: MemberSearchQuery = {};
  const search = oneParam(raw, 'search');
  if (search !== undefined) query.search = search;
  const status = oneParam(raw, 'status');
  if (status !== undefined && status !== 'any') {
    if (status !== 'current' && status !== 'lapsed')
      throw badParam('Status must be Any, Current or Lapsed.', 'status');
    query.status = status;
  }
  const login = oneParam(raw, 'login');
  if (login !== undefined && login !== 'any') {
    if (login !== 'yes' && login !== 'no')
      throw badParam('Login must be Any, Has login or No login.', 'login');
    query.login = login;
  }
  const after = oneParam(raw, 'after');
  const before = oneParam(raw, 'before');
  if (after) query.after = after;
  if (before) query.before = before;
  const page = oneParam(raw, 'page');
  if (page !== undefined) {
    if (!/^\d{1,3}$/.test(page))
      throw badParam('That page link is out of date. Start again from the first page.', 'page');
    query.page = Number(page);
  }
  checkMemberSearchQuery(query);
  return query;
}

/** The same checks for callers that build a query in code. */
export function checkMemberSearchQuery(query: MemberSearchQuery): void {
  if ((query.search?.length ?? 0) > MAX_SEARCH_LENGTH) {
    throw badParam(`Search for at most ${MAX_SEARCH_LENGTH} characters.`, 'search');
  }
  if (query.status !== undefined && query.status !== 'current' && query.status !== 'lapsed') {
    throw badParam('Status must be Any, Current or Lapsed.', 'status');
  }
  if (query.login !== undefined && query.login !== 'yes' && query.login !== 'no') {
    throw badParam('Login must be Any, Has login or No login.', 'login');
  }
  if (query.after && query.before)
    throw badParam('Ask for the page after a point or before it, not both.', 'after');
  const limit = query.limit ?? MEMBER_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_TOP_N) {
    throw badParam(`Show between 1 and ${SEARCH_TOP_N} members per page.`, 'limit');
  }
  if (
    query.page !== undefined &&
    (!Number.isInteger(query.page) || query.page < 1 || query.page > maxPage(limit))
  ) {
    throw badParam(
      `Search results have at most ${maxPage(limit)} pages; refine the search to see others.`,
      'page',
    );
  }
  const searching = Boolean(query.search?.trim());
  if (searching && (query.after || query.before)) {
    throw badParam('That page link is out of date. Start again from the first page.', 'after');
  }
  if (!searching && query.page !== undefined && query.page !== 1) {
    throw badParam('That page link is out of date. Start again from the first page.', 'page');
  }
}
