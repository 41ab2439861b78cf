import { z } from 'zod';
import { ValidationErrors } from '../../errors.ts';
import { optionalText } from '../input.ts';
import { isParsedQuery, parsedQuery } from '../queryParams.ts';

/**
 * What Member Roster - Current can be sorted by. Invitations sent, Last invited and Delivery are shown but
 * not sortable: keeping them fast on a million members would take more indexes on `members`, which every
 * roster import pays for (Invitation Codes sorts the members without a login by them).
 */
export const rosterSorts = [
  'memberNumber',
  'name',
  'email',
  'username',
  'loginCreated',
  'lastLogin',
] as const;
export type RosterSort = (typeof rosterSorts)[number];
export type SortDir = 'asc' | 'desc';

export type RosterFilter = {
  login?: 'has' | 'none';
  /** Last login on or after the start of this day (UTC). */
  lastLoginAfter?: Date;
  /** Last login before the start of this day (UTC). */
  lastLoginBefore?: Date;
  /** Only members whose newest invitation email failed. */
  deliveryFailed?: boolean;
};

export type RosterQuery = RosterFilter & {
  sort: RosterSort;
  dir: SortDir;
  /** Opaque cursors from a previous page: the page after / before that point. */
  after?: string;
  before?: string;
  limit?: number;
};

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const DATE_MESSAGE = 'Enter the date as year-month-day, for example 2026-01-31.';
const SORT_MESSAGE = `Sort by one of: ${rosterSorts.join(', ')}.`;
const DIR_MESSAGE = 'The sort direction must be asc or desc.';

/** A day as year-month-day, at the start of that day (UTC); an impossible day (2026-02-30) is refused. */
const day = z.string().transform((value, ctx) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (date && date.toISOString().slice(0, 10) === value) return date;
  ctx.addIssue({ code: 'custom', message: DATE_MESSAGE });
  return z.NEVER;
});

/** An optional query-string value (absent or blank: not given), checked by `schema` when given. */
const given = <T>(schema: z.ZodType<T, string>) => optionalText.pipe(schema.optional());

/**
 * The report's query (the page's and the export's query string). Every refused value is reported at once,
 * next to its field, so the admin can fix them in one go; the rules between fields are checked as well
 * when the fields they compare are good.
 */
export const memberRosterInput = z
  .object({
    login: given(z.enum(['any', 'has', 'none'], { error: 'Login must be Any, Has a login or No login.' })),
    lastLoginAfter: given(day),
    lastLoginBefore: given(day),
    deliveryFailed: given(
      z.enum(['1', 'on', 'true'], { error: 'Delivery failed only is either ticked or not.' }),
    ),
    sort: given(z.enum(rosterSorts, { error: SORT_MESSAGE })),
    dir: given(z.enum(['asc', 'desc'], { error: DIR_MESSAGE })),
    after: optionalText,
    before: optionalText,
  })
  .check(
    z.superRefine(
      (v, ctx) => {
        // Fields that did not parse still hold what was typed: compare only the ones that did.
        const errors = filterErrors({
          sort: 'name',
          dir: 'asc',
          login: v.login === 'has' || v.login === 'none' ? v.login : undefined,
          lastLoginAfter: v.lastLoginAfter instanceof Date ? v.lastLoginAfter : undefined,
          lastLoginBefore: v.lastLoginBefore instanceof Date ? v.lastLoginBefore : undefined,
          after: v.after,
          before: v.before,
        });
        for (const [field, message] of Object.entries(errors)) {
          ctx.addIssue({ code: 'custom', message, path: [field] });
        }
      },
      { when: () => true },
    ),
  )
  .transform(
    (v): RosterQuery =>
      parsedQuery({
        sort: v.sort ?? 'name',
        dir: v.dir ?? 'asc',
        ...(v.login === 'has' || v.login === 'none' ? { login: v.login } : {}),
        ...(v.lastLoginAfter ? { lastLoginAfter: v.lastLoginAfter } : {}),
        ...(v.lastLoginBefore ? { lastLoginBefore: v.lastLoginBefore } : {}),
        ...(v.deliveryFailed ? { deliveryFailed: true } : {}),
        ...(v.after ? { after: v.after } : {}),
        ...(v.before ? { before: v.before } : {}),
      }),
  );

function filterErrors(query: RosterQuery): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of ['lastLoginAfter', 'lastLoginBefore'] as const) {
    const d = query[field];
    if (d !== undefined && Number.isNaN(d.getTime())) errors[field] = DATE_MESSAGE;
  }
  const { lastLoginAfter: from, lastLoginBefore: to } = query;
  if (from && to && to <= from) {
    errors.lastLoginBefore = 'Last login before must be a later day than Last login after.';
  }
  if (query.login === 'none' && (from || to)) {
    errors.login = 'Members without a login have no Last Login: choose Any or Has a login to filter by it.';
  }
  if (query.after && query.before) errors.after = 'Ask for the page after a point or before it, not both.';
  return errors;
}

/** The same checks for callers that build a query in code (tests, the benchmark): types alone do not stop them. */
export function checkRosterQuery(query: RosterQuery): void {
  // Straight from memberRosterInput: already checked, and it has no page size of its own.
  if (isParsedQuery(query)) return;
  const errors = filterErrors(query);
  if (!(rosterSorts as readonly string[]).includes(query.sort)) {
    errors.sort = SORT_MESSAGE;
  }
  if (query.dir !== 'asc' && query.dir !== 'desc') errors.dir = DIR_MESSAGE;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    errors.limit = `Show between 1 and ${MAX_PAGE_SIZE} members per page.`;
  }
  if (Object.keys(errors).length > 0) throw new ValidationErrors(errors);
}

export const hasRosterFilters = (q: RosterFilter): boolean =>
  Boolean(q.login || q.lastLoginAfter || q.lastLoginBefore || q.deliveryFailed);

/** The filters as they are written in URLs and in the export's audit event. */
export function rosterFilterParams(q: RosterFilter): Record<string, string> {
  const p: Record<string, string> = {};
  if (q.login) p.login = q.login;
  if (q.lastLoginAfter) p.lastLoginAfter = q.lastLoginAfter.toISOString().slice(0, 10);
  if (q.lastLoginBefore) p.lastLoginBefore = q.lastLoginBefore.toISOString().slice(0, 10);
  if (q.deliveryFailed) p.deliveryFailed = '1';
  return p;
}
