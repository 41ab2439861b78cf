import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';

/**
 * How long a form's key answers with its first result. A repeat after a lost answer comes within seconds
 * or a few minutes (a second press, a reload that re-posts); ten minutes covers that with room to spare,
 * and matches the housekeeping interval, so the table holds about two windows of keys at most. A form
 * submitted later than this acts again, as a fresh press of a freshly shown form would.
 */
export const REPEAT_WINDOW_MS = 10 * 60_000;

/**
 * How long an API token's `Idempotency-Key` answers with its first result: a sync script retrying after
 * a timeout may retry for hours (the next scheduled run, say), so a day, as payment APIs do.
 */
export const API_REPEAT_WINDOW_MS = 24 * 3_600_000;

/** The hidden field every repeat-safe form carries: a random key made when the form was shown. */
export const FORM_KEY_FIELD = 'idempotency_key';

// The forms send a UUID; anything else of a sane length in a URL-safe alphabet is accepted too, so the
// check is about refusing junk (and huge values) at the edge, not about one generator.
export const KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The form's key, or a 400 naming the field: the portal's forms always send one. */
export function formKeyOf(body: unknown): string {
  const value =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[FORM_KEY_FIELD] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new AppError(
      'validation',
      `The form arrived without its ${FORM_KEY_FIELD}, so it was not acted on. Reload the page and try again.`,
      FORM_KEY_FIELD,
    );
  }
  if (!KEY_PATTERN.test(value)) {
    throw new AppError(
      'validation',
      `The form's ${FORM_KEY_FIELD} is not one the portal made (16 to 64 letters, digits, - or _), so it was not acted on. Reload the page and try again.`,
      FORM_KEY_FIELD,
    );
  }
  return value;
}

/** Who sent a submission: a signed-in account (a form) or an API token (an `Idempotency-Key`). */
export type Submitter =
  | { accountId: number; apiTokenId?: undefined }
  | { apiTokenId: number; accountId?: undefined };

/** One repeat-safe submission: who sent it, its key, and what it asks for (e.g. `send:42`). */
export type Submission = Submitter & { key: string; action: string };

const windowOf = (s: Submitter) => (s.apiTokenId === undefined ? REPEAT_WINDOW_MS : API_REPEAT_WINDOW_MS);

/** A key reused for another action, in the words of the place it came from. */
const reusedKey = (s: Submitter) =>
  s.apiTokenId === undefined
    ? new AppError(
        'conflict',
        'This form was already used for something else. Reload the page and try again.',
        FORM_KEY_FIELD,
      )
    : new AppError(
        'conflict',
        'This Idempotency-Key was already used for a different request. Send a new key for a new request.',
        'idempotency-key',
      );

export type Outcome<T> = { repeated: boolean; result: T };

/**
 * Runs `act` once per (account, key) within the window, inside the caller's transaction. The key is
 * claimed first: a concurrent duplicate's insert waits on this transaction's uncommitted row (primary
 * key), and once this one commits it sees the conflict and answers with the stored result instead of
 * acting. If this transaction rolls back (the action failed), the claim goes with it and a repeat acts.
 * `parse` checks the stored result when it is read back. A key older than the window is claimed afresh.
 */
export async function onceWithinWindow<T>(
  tx: Tx,
  submission: Submission,
  now: Date,
  act: () => Promise<T>,
  parse: (stored: unknown) => T,
): Promise<Outcome<T>> {
  const { key, action } = submission;
  const accountId = submission.accountId ?? null;
  const apiTokenId = submission.apiTokenId ?? null;
  const windowStart = new Date(now.getTime() - windowOf(submission));
  // The result is filled in below, in this same transaction; nobody else can read the placeholder.
  const claimed = await queryRows(
    tx,
    sql`
      insert into form_submissions (account_id, api_token_id, key, action, result, created_at)
      values (${accountId}, ${apiTokenId}, ${key}, ${action}, 'null'::jsonb, ${now})
      on conflict (account_id, api_token_id, key) do update
        set action = excluded.action, result = excluded.result, created_at = excluded.created_at
        where form_submissions.created_at <= ${windowStart}
      returning 1 as claimed`,
    { claimed: 'number' },
  );
  // The submitter's row, written so the unique index (account_id, api_token_id, key) finds it.
  const mine =
    accountId === null
      ? sql`account_id is null and api_token_id = ${apiTokenId} and key = ${key}`
      : sql`account_id = ${accountId} and api_token_id is null and key = ${key}`;
  if (claimed.length === 0) {
    // A new statement, so under READ COMMITTED it sees the row the conflict was about.
    const [earlier] = await queryRows(tx, sql`select action, result from form_submissions where ${mine}`, {
      action: 'text',
      result: 'json',
    });
    if (!earlier) {
      throw new AppError('conflict', 'This form was being handled at the same moment. Please try again.');
    }
    if (earlier.action !== action) throw reusedKey(submission);
    return { repeated: true, result: parse(earlier.result) };
  }
  const result = await act();
  await tx.execute(sql`update form_submissions set result = ${JSON.stringify(result)}::jsonb where ${mine}`);
  return { repeated: false, result };
}

/** Housekeeping: keys past their window answer nothing any more. Returns how many went. */
export async function purgeOldFormSubmissions(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const now = deps.clock.now().getTime();
  const formStart = new Date(now - REPEAT_WINDOW_MS);
  const apiStart = new Date(now - API_REPEAT_WINDOW_MS);
  const rows = await queryRows(
    deps.db,
    sql`delete from form_submissions
        where (api_token_id is null and created_at <= ${formStart}) or created_at <= ${apiStart}
        returning 1 as claimed`,
    { claimed: 'number' },
  );
  return rows.length;
}
