import { z } from 'zod';
import {
  given,
  param,
  positionParams,
  refuseBothWays,
  searchParam,
  statusParam,
} from '../invitationCodes/invitationCodesQuery.ts';
import { badParam, isParsedQuery, parsedQuery } from '../queryParams.ts';

export type LoginFilter = 'yes' | 'no';

/** Admin > Member Search: a search term and filters, and where in the list to start. */
export type MemberSearchQuery = {
  /** Name, email, member number or username. */
  search?: string;
  status?: 'current' | 'lapsed';
  login?: LoginFilter;
  /** Listing by name (no search): the keyset engine's cursors from a previous page. */
  after?: string;
  before?: string;
  /** Ranked search results: which page of the bounded top matches (1-based). */
  page?: number;
  /** Members per page: the caller's choice (tests, the CLI), never the query string's. */
  limit?: number;
};

export const MEMBER_PAGE_SIZE = 50;
/** Ranked search results are bounded: the best this many matches, then the admin refines the search. */
export const SEARCH_TOP_N = 200;

const OUT_OF_DATE = 'That page link is out of date. Start again from the first page.';
const maxPage = (limit: number) => Math.ceil(SEARCH_TOP_N / limit);

/** The query string read with pages of `limit` members (the page number's bound depends on it). */
export const memberSearchInputFor = (limit: number) =>
  z
    .object({
      search: searchParam,
      status: statusParam,
      login: param('login')
        .transform((v) => (v === 'any' ? undefined : v))
        .pipe(z.enum(['yes', 'no'], { error: 'Login must be Any, Has login or No login.' }).optional()),
      ...positionParams,
      page: param('page').pipe(
        z
          .string()
          .regex(/^\d{1,3}$/, OUT_OF_DATE)
          .transform(Number)
          .optional(),
      ),
    })
    .superRefine((q, ctx) => {
      refuseBothWays(q, ctx);
      if (q.after && q.before) return;
      // One refusal at a time, in this order, as the page has always said them.
      const refuse = (message: string, field: string) =>
        ctx.addIssue({ code: 'custom', message, path: [field] });
      if (q.page !== undefined && (q.page < 1 || q.page > maxPage(limit)))
        return refuse(
          `Search results have at most ${maxPage(limit)} pages; refine the search to see others.`,
          'page',
        );
      const searching = Boolean(q.search);
      if (searching && (q.after || q.before)) return refuse(OUT_OF_DATE, 'after');
      if (!searching && q.page !== undefined && q.page !== 1) return refuse(OUT_OF_DATE, 'page');
    })
    // Only the page's own size marks a query as checked: checkMemberSearchQuery's bound on `page` is for it.
    .transform((q): MemberSearchQuery => (limit === MEMBER_PAGE_SIZE ? parsedQuery(given(q)) : given(q)));

/** The Member Search query string → MemberSearchQuery; each bad value is an issue on its own field. */
export const memberSearchInput = memberSearchInputFor(MEMBER_PAGE_SIZE);

/** A query as its query string, in a fixed order; defaults (and page 1) are left out. */
export function memberSearchParams(query: MemberSearchQuery): Record<string, string | undefined> {
  return {
    search: query.search,
    status: query.status,
    login: query.login,
    after: query.after,
    before: query.before,
    page: query.page !== undefined && query.page !== 1 ? String(query.page) : undefined,
  };
}

/**
 * The same checks for callers that build a query in code: the query is written out as its query string
 * and read back by the same schema. The page size is not part of the query string, so it is checked here.
 */
export function checkMemberSearchQuery(query: MemberSearchQuery): void {
  // Straight from memberSearchInput (pages of MEMBER_PAGE_SIZE, no page size of its own): already checked.
  if (isParsedQuery(query)) return;
  const limit = query.limit ?? MEMBER_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_TOP_N) {
    throw badParam(`Show between 1 and ${SEARCH_TOP_N} members per page.`, 'limit');
  }
  const params = memberSearchParams(query);
  // A page number from code is any number: it is checked against the bound, not the query string's digits.
  if (
    query.page !== undefined &&
    (!Number.isInteger(query.page) || query.page < 1 || query.page > maxPage(limit))
  )
    throw badParam(
      `Search results have at most ${maxPage(limit)} pages; refine the search to see others.`,
      'page',
    );
  const parsed = memberSearchInputFor(limit).safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badParam(issue.message, String(issue.path[0] ?? 'search'));
  }
}
