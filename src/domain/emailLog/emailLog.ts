import { and, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/connect.ts';
import { escapeLike } from '../../db/escapeLike.ts';
import { type Key, keyset, type Page, type PagePosition, readPosition } from '../../db/keyset.ts';
import { type DeliveryState, deliveryStates, emailMessages, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { optionalText } from '../input.ts';
import { type Actor, can, requirePermission } from '../policy.ts';
import { hideSecrets } from './keptSecrets.ts';

export const EMAIL_LOG_PAGE_SIZE = 50;

export type EmailKind = (typeof emailMessages.kind.enumValues)[number];

export type EmailLogRow = {
  id: number;
  createdAt: Date;
  toAddress: string;
  subject: string | null;
  kind: EmailKind;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
};

export type EmailLogFilter = { state?: DeliveryState; to?: string };

export type EmailLogPage = Page<EmailLogRow>;

export const isDeliveryState = (s: string): s is DeliveryState =>
  (deliveryStates as readonly string[]).includes(s);

// Longer than any email address (254); a longer search cannot match and is not worth sending to the database.
const MAX_SEARCH_LENGTH = 320;

/** What the Email Log page asks for: the search, and where the page starts (after/before a cursor). */
export type EmailLogQuery = { filter: EmailLogFilter; position: PagePosition };

// The search is lenient, as a search box is: a state the portal does not know is no filter, a long
// recipient is cut.
const filterFields = {
  state: z
    .string()
    .optional()
    .transform((value) => (value && isDeliveryState(value) ? value : undefined)),
  to: z
    .string()
    .optional()
    .transform((value) => value?.trim().slice(0, MAX_SEARCH_LENGTH) || undefined),
};

const filterOf = ({ state, to }: EmailLogFilter): EmailLogFilter => ({
  ...(state ? { state } : {}),
  ...(to ? { to } : {}),
});

/** The Email Log's search (state, recipient); it refuses nothing. */
export const emailLogFilterInput = z.object(filterFields).transform(filterOf);

/** The Email Log page's query string: the search, and the page position (an edited one is refused). */
export const emailLogQuery = z
  .object({ ...filterFields, after: optionalText, before: optionalText })
  .transform(
    ({ after, before, ...filter }): EmailLogQuery => ({
      filter: filterOf(filter),
      position: readPosition(after, before),
    }),
  );

const NO_SUCH_MESSAGE = 'There is no message with this number in the Email Log.';

/** A message's number in a path: digits only; anything else names no message. */
export const emailMessageId = z
  .string()
  .regex(/^\d{1,15}$/, NO_SUCH_MESSAGE)
  .transform(Number);

// Newest first; (created_at, id) is the order of email_messages_created_at_idx.
const KEYSET = keyset(
  [
    { column: emailMessages.createdAt, type: 'timestamptz' },
    { column: emailMessages.id, type: 'bigint' },
  ] satisfies Key[],
  'desc',
);

function filterConditions(filter: EmailLogFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(emailMessages.state, filter.state));
  const to = filter.to?.trim().toLowerCase();
  if (to) conditions.push(sql`lower(${emailMessages.toAddress}) like ${`${escapeLike(to)}%`}`);
  return conditions;
}

const rowColumns = {
  id: emailMessages.id,
  createdAt: emailMessages.createdAt,
  toAddress: emailMessages.toAddress,
  subject: emailMessages.subject,
  kind: emailMessages.kind,
  state: emailMessages.state,
  attempts: emailMessages.attempts,
  lastError: emailMessages.lastError,
};

/**
 * One page of the Email Log, newest first, by keyset on (created_at, id) so deep pages cost the same as
 * the first and messages arriving meanwhile do not shift what the next page shows. An edited page link is
 * refused as out of date (a validation error on `after` or `before`).
 */
export async function listEmailLog(
  deps: Deps,
  actor: Actor,
  filter: EmailLogFilter,
  position: PagePosition = {},
  pageSize = EMAIL_LOG_PAGE_SIZE,
): Promise<EmailLogPage> {
  requirePermission(actor, 'invitations.send');
  const conditions = filterConditions(filter);
  return KEYSET.page(position, pageSize, (boundary, order, limit) =>
    deps.db
      .select({ ...rowColumns, cursor: KEYSET.cursor })
      .from(emailMessages)
      .where(and(...conditions, boundary ?? undefined))
      .orderBy(order)
      .limit(limit),
  );
}

export type EmailMessageDetail = EmailLogRow & {
  textBody: string | null;
  htmlBody: string | null;
  updatedAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
  roundId: number | null;
  member: { id: number; name: string; memberNumber: string } | null;
  /**
   * A kept invitation's link and code: `hidden` (the bodies say so), or `revealed` by a Security
   * Administrator's audited action; `none` when the message keeps no secret.
   */
  secrets: 'none' | 'hidden' | 'revealed';
  /** Whether this viewer may reveal them (the permission that lets them issue a new link anyway). */
  canReveal: boolean;
};

/** The stored row, bodies as stored (markers in place of kept secrets). */
export async function storedMessage(db: DbOrTx, id: number) {
  const [row] = await db
    .select({
      ...rowColumns,
      textBody: emailMessages.textBody,
      htmlBody: emailMessages.htmlBody,
      keptSecrets: emailMessages.keptSecrets,
      updatedAt: emailMessages.updatedAt,
      sentAt: emailMessages.sentAt,
      nextAttemptAt: emailMessages.nextAttemptAt,
      roundId: emailMessages.roundId,
      memberId: members.id,
      firstName: members.firstName,
      lastName: members.lastName,
      memberNumber: members.memberNumber,
    })
    .from(emailMessages)
    .leftJoin(members, eq(members.id, emailMessages.memberId))
    .where(eq(emailMessages.id, id));
  if (!row) throw new AppError('not_found', NO_SUCH_MESSAGE);
  const { memberId, firstName, lastName, memberNumber, ...message } = row;
  return {
    ...message,
    member:
      memberId !== null
        ? { id: memberId, name: `${firstName} ${lastName}`, memberNumber: memberNumber ?? '' }
        : null,
  };
}

/**
 * One message with its bodies, for the Email Log's message page. Kept secrets are hidden from everyone
 * here; revealing them is its own audited action (revealEmailMessage), so looking changes nothing.
 */
export async function emailMessageById(deps: Deps, actor: Actor, id: number): Promise<EmailMessageDetail> {
  requirePermission(actor, 'invitations.send');
  const { keptSecrets, ...message } = await storedMessage(deps.db, id);
  if (!keptSecrets) return { ...message, secrets: 'none', canReveal: false };
  const hidden = hideSecrets({ text: message.textBody, html: message.htmlBody }, keptSecrets);
  return {
    ...message,
    textBody: hidden.text,
    htmlBody: hidden.html,
    secrets: 'hidden',
    canReveal: can(actor.role, 'logins.manage'),
  };
}
