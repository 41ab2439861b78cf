import { badParam, oneParam } from '../queryParams.ts';

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
  /** Opaque cursors from a previous result: the page after / before that point. */
  after?: string;
  before?: string;
  limit?: number;
};

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const MAX_SEARCH_LENGTH = 100;

/** YYYY-MM-DD (what a date input sends) as the start of that day, UTC: the portal shows dates in UTC. */
export function parseDay(value: string, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw badParam('Enter the date as year-month-day, for example 2026-01-31.', field);
  }
  return date;
}

/**
 * The Invitation Codes query from a URL's query string, validated at the edge: each bad value is an
 * AppError naming its field, so the page can show the message next to it.
 */
export function parsePendingQuery(raw: Record<string, unknown>): PendingQuery {
  const query: PendingQuery = { sort: 'name', dir: 'asc' };
  const search = oneParam(raw, 'search');
  if (search !== undefined) {
    if (search.length > MAX_SEARCH_LENGTH) {
      throw badParam(`Search for at most ${MAX_SEARCH_LENGTH} characters.`, 'search');
    }
    query.search = search;
  }
  const status = oneParam(raw, 'status');
  if (status !== undefined && status !== 'any') {
    if (status !== 'current' && status !== 'lapsed')
      throw badParam('Status must be Any, Current or Lapsed.', 'status');
    query.status = status;
  }
  const invited = oneParam(raw, 'invited');
  if (invited !== undefined && invited !== 'any') {
    if (invited !== 'never' && invited !== 'invited') {
      throw badParam('Invited must be Any, Never invited or Invited.', 'invited');
    }
    query.invited = invited;
  }
  const sentBefore = oneParam(raw, 'sentBefore');
  if (sentBefore !== undefined) query.sentBefore = parseDay(sentBefore, 'sentBefore');
  const failed = oneParam(raw, 'deliveryFailed');
  if (failed !== undefined) {
    if (!['1', 'on', 'true'].includes(failed))
      throw badParam('Delivery failed only is either ticked or not.', 'deliveryFailed');
    query.deliveryFailed = true;
  }
  const sort = oneParam(raw, 'sort');
  if (sort !== undefined) {
    if (!(pendingSorts as readonly string[]).includes(sort)) {
      throw badParam(`Sort by one of: ${pendingSorts.join(', ')}.`, 'sort');
    }
    query.sort = sort as PendingSort;
  }
  const dir = oneParam(raw, 'dir');
  if (dir !== undefined) {
    if (dir !== 'asc' && dir !== 'desc') throw badParam('The sort direction must be asc or desc.', 'dir');
    query.dir = dir;
  }
  const after = oneParam(raw, 'after');
  const before = oneParam(raw, 'before');
  if (after && before) throw badParam('Ask for the page after a point or before it, not both.', 'after');
  if (after) query.after = after;
  if (before) query.before = before;
  return query;
}

/** The same checks for callers that build a query in code (CLI, API, tests): types alone do not stop them. */
export function checkPendingQuery(query: PendingQuery): void {
  if (!(pendingSorts as readonly string[]).includes(query.sort)) {
    throw badParam(`Sort by one of: ${pendingSorts.join(', ')}.`, 'sort');
  }
  if (query.dir !== 'asc' && query.dir !== 'desc')
    throw badParam('The sort direction must be asc or desc.', 'dir');
  if (query.sentBefore && Number.isNaN(query.sentBefore.getTime()))
    throw badParam('That date is not valid.', 'sentBefore');
  if ((query.search?.length ?? 0) > MAX_SEARCH_LENGTH) {
    throw badParam(`Search for at most ${MAX_SEARCH_LENGTH} characters.`, 'search');
  }
  if (query.after && query.before)
    throw badParam('Ask for the page after a point or before it, not both.', 'after');
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badParam(`Show between 1 and ${MAX_PAGE_SIZE} members per page.`, 'limit');
  }
}

/** How a sort key travels in a cursor: as it comes out of `json_build_array`, checked before it reaches SQL. */
export type KeyType = 'text' | 'int' | 'timestamptz';

const TIMESTAMP_JSON = /^(-infinity|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z))$/;

const keyIsValid = (value: unknown, type: KeyType): boolean =>
  type === 'int'
    ? Number.isSafeInteger(value)
    : typeof value === 'string' && (type === 'text' ? value.length <= 1000 : TIMESTAMP_JSON.test(value));

/** A cursor names the sort it belongs to and the sort-key values of the row it points at. */
type CursorBody = { s: PendingSort; d: SortDir; k: unknown[] };

export const encodeCursor = (sort: PendingSort, dir: SortDir, keys: unknown[]): string =>
  Buffer.from(JSON.stringify({ s: sort, d: dir, k: keys } satisfies CursorBody)).toString('base64url');

/**
 * The key values of a cursor made for this sort and direction, each of the expected type, or a validation
 * error: a cursor comes back from the browser, so it is input like any other.
 */
export function decodeCursor(
  cursor: string,
  sort: PendingSort,
  dir: SortDir,
  types: readonly KeyType[],
  field: string,
): (string | number)[] {
  let body: Partial<CursorBody> | null = null;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    body = null;
  }
  const keys = body && typeof body === 'object' && Array.isArray(body.k) ? body.k : null;
  const valid =
    keys !== null &&
    body!.s === sort &&
    body!.d === dir &&
    keys.length === types.length &&
    keys.every((v, i) => keyIsValid(v, types[i]!));
  if (!valid) throw badParam('That page link is out of date. Start again from the first page.', field);
  return keys as (string | number)[];
}
