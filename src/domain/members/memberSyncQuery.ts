import { z } from 'zod';
import { isRealTimestamp } from '../../db/cursorValues.ts';

/** What a sync script asks of the member list (`GET /api/v1/members`), parsed. */
export type MemberSyncQuery = {
  /** Members per page, 1 to MAX_SYNC_PAGE. */
  limit: number;
  /** The `next_cursor` of the page before; absent for the first page. */
  cursor?: string;
  hasLogin?: boolean;
  status?: 'current' | 'lapsed';
  /** ISO 8601 with an offset, passed to the database as written (microseconds kept). */
  updatedSince?: string;
};

export const DEFAULT_SYNC_PAGE = 100;
export const MAX_SYNC_PAGE = 1000;

const LIMIT_MESSAGE = `Give limit as a whole number from 1 to ${MAX_SYNC_PAGE}.`;
const SINCE_MESSAGE =
  'Give updated_since as an ISO 8601 date and time with its offset, for example 2026-01-15T09:00:00Z.';

/**
 * The query string of the member list. Written for the API's readers as much as for the parser: each
 * parameter's type, bounds and text go into the OpenAPI document as they are, so the schemas stay plain
 * (no pre-processing pipes, which the document would show as bare strings). A cursor is checked where its
 * keyset is (memberSyncList.ts), so that a bad one is refused on `cursor` wherever the query came from.
 */
export const memberSyncInput = z
  .object({
    limit: z.coerce
      .number({ error: LIMIT_MESSAGE })
      .int(LIMIT_MESSAGE)
      .min(1, LIMIT_MESSAGE)
      .max(MAX_SYNC_PAGE, LIMIT_MESSAGE)
      .default(DEFAULT_SYNC_PAGE)
      .describe(`Members per page: 1 to ${MAX_SYNC_PAGE}, ${DEFAULT_SYNC_PAGE} when not given.`),
    cursor: z
      .string()
      .min(1, 'Give cursor as the next_cursor of the page before, or leave it out for the first page.')
      .optional()
      .describe(
        'The `next_cursor` of the page before; leave it out for the first page. Pages run in the order members were added, so members changed while you page neither move nor repeat.',
      ),
    has_login: z
      .enum(['true', 'false'], { error: 'Give has_login as true or false.' })
      .optional()
      .describe('true: only members who have a portal login; false: only those without one.'),
    status: z
      .enum(['current', 'lapsed'], { error: 'Give status as current or lapsed.' })
      .optional()
      .describe('Only current or only lapsed members.'),
    updated_since: z.iso
      .datetime({ offset: true, error: SINCE_MESSAGE })
      .refine(isRealTimestamp, SINCE_MESSAGE)
      .optional()
      .describe(
        'Only members whose `updated_at` is at or after this instant: ISO 8601 with an offset (`Z`, or `+02:00` written `%2B02:00` in the URL). A login created or removed counts as a change. For the next run, pass the time your previous run started less a margin of some minutes (a change is stamped when its save begins, and a large import takes a while to commit), not the largest `updated_at` you saw.',
      ),
  })
  .transform(
    (q): MemberSyncQuery => ({
      limit: q.limit,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.has_login !== undefined ? { hasLogin: q.has_login === 'true' } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.updated_since !== undefined ? { updatedSince: q.updated_since } : {}),
    }),
  );
