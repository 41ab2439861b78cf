import { z } from 'zod';
import { badParam, isParsedQuery, parsedQuery } from '../queryParams.ts';

/** What the Invitation Codes list can be sorted by. */
export const pendingSorts = ['name', 'memberNumber', 'email', 'lastInvited', 'invitationsSent'] as const;
export type PendingSort = (typeof pendingSorts)[number];
export type SortDir = 'asc' | 'desc';

export type PendingQuery = {
  /** Name, email or member number; several words must all match. */
  search?: string;
  status?: 'current' | 'lapsed';
  invited?: 'never' | 'invited';
  /** Members whose last invitation went out before this instant (never-invited members are not "before"). */
  sentBefore?: Date;
  /** Only members whose newest invitation email failed. */
  deliveryFailed?: boolean;
  sort: PendingSort;
  dir: SortDir;
  /** Cursors from a previous page (the keyset engine's): the page after / before that point. */
  after?: string;
  before?: string;
  /** Members per page: the caller's choice (the CLI, tests), never the query string's. */
  limit?: number;
};

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const MAX_SEARCH_LENGTH = 100;

const DAY_MESSAGE = 'Enter the date as year-month-day, for example 2026-01-31.';
const BOTH_WAYS = 'Ask for the page after a point or before it, not both.';

/** YYYY-MM-DD (what a date input sends) as the start of that day, UTC: the portal shows dates in UTC. */
function dayOf(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  return date && date.toISOString().slice(0, 10) === value ? date : null;
}

/** The object without its absent values: a parsed query holds only what was asked for. */
export const given = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * One query-string value, trimmed; blank is "not given". A repeated parameter (an array) is refused rather
 * than guessed at, with the same words as every list of the portal.
 */
export const param = (name: string) =>
  z
    .string({ error: `Give "${name}" only once.` })
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined));

/** A value out of a fixed list, `any` (what the form's "Any" sends) being "not given". */
const oneOf = <T extends string>(name: string, values: readonly [T, ...T[]], message: string) =>
  param(name)
    .transform((v) => (v === 'any' ? undefined : v))
    .pipe(z.enum(values, { error: message }).optional());

export const searchParam = param('search').pipe(
  z.string().max(MAX_SEARCH_LENGTH, `Search for at most ${MAX_SEARCH_LENGTH} characters.`).optional(),
);

export const statusParam = oneOf('status', ['current', 'lapsed'], 'Status must be Any, Current or Lapsed.');

/** after / before, both at once refused (on `after`, as readPosition does). */
export const positionParams = {
  after: param('after'),
  before: param('before'),
};
export const refuseBothWays = (q: { after?: string; before?: string }, ctx: z.RefinementCtx) => {
  if (q.after && q.before) ctx.addIssue({ code: 'custom', message: BOTH_WAYS, path: ['after'] });
};

/**
 * The Invitation Codes query string (search, filters, sort, page position) → PendingQuery. Each bad
 * value is an issue on its own field, with the words the page shows next to it.
 */
export const pendingQueryInput = z
  .object({
    search: searchParam,
    status: statusParam,
    invited: oneOf('invited', ['never', 'invited'], 'Invited must be Any, Never invited or Invited.'),
    sentBefore: param('sentBefore').transform((v, ctx) => {
      if (v === undefined) return undefined;
      const day = dayOf(v);
      if (day) return day;
      ctx.addIssue({ code: 'custom', message: DAY_MESSAGE, input: v });
      return z.NEVER;
    }),
    deliveryFailed: param('deliveryFailed').pipe(
      z
        .enum(['1', 'on', 'true'], { error: 'Delivery failed only is either ticked or not.' })
        .optional()
        .transform((v) => (v ? true : undefined)),
    ),
    sort: param('sort').pipe(
      z.enum(pendingSorts, { error: `Sort by one of: ${pendingSorts.join(', ')}.` }).default('name'),
    ),
    dir: param('dir').pipe(
      z.enum(['asc', 'desc'], { error: 'The sort direction must be asc or desc.' }).default('asc'),
    ),
    ...positionParams,
  })
  .superRefine(refuseBothWays)
  .transform((q): PendingQuery => parsedQuery(given(q)));

const day = (d: Date) => (Number.isNaN(d.getTime()) ? 'not a date' : d.toISOString().slice(0, 10));

/**
 * A query as its query string, in a fixed order, defaults left out (links of the page are built on it).
 * `withSort: false` leaves out the sort; `withPosition: false` the page position.
 */
export function pendingQueryParams(
  query: PendingQuery,
  { withSort = true, withPosition = true } = {},
): Record<string, string | undefined> {
  return {
    search: query.search,
    status: query.status,
    invited: query.invited,
    sentBefore: query.sentBefore && day(query.sentBefore),
    deliveryFailed: query.deliveryFailed ? '1' : undefined,
    sort: withSort && query.sort !== 'name' ? query.sort : undefined,
    dir: withSort && query.dir !== 'asc' ? query.dir : undefined,
    after: withPosition ? query.after : undefined,
    before: withPosition ? query.before : undefined,
  };
}

/**
 * The same checks for callers that build a query in code (CLI, API, tests), since types alone do not
 * stop them: the query is written out as its query string and read back by `pendingQueryInput`. The page
 * size is not part of the query string, so it is checked here.
 */
export function checkPendingQuery(query: PendingQuery): void {
  // Straight from pendingQueryInput: already checked, and it has no page size of its own.
  if (isParsedQuery(query)) return;
  const params = pendingQueryParams(query);
  // The defaults are left out of the query string; an unknown sort or direction must still be refused.
  const parsed = pendingQueryInput.safeParse({ ...params, sort: query.sort, dir: query.dir });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badParam(issue.message, String(issue.path[0] ?? 'search'));
  }
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badParam(`Show between 1 and ${MAX_PAGE_SIZE} members per page.`, 'limit');
  }
}
