import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import { type DeliveryState, deliveryStates, emailMessages, members } from '../db/schema.ts';
import type { Deps } from '../domain/deps.ts';
import { AppError } from '../errors.ts';

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

/** Where a page starts: just older or just newer than a (created_at, id) position. */
export type EmailLogPosition = { direction: 'older' | 'newer'; cursor: string };

export type EmailLogPage = {
  rows: EmailLogRow[];
  /** Cursor for the page of newer messages, null on the newest page. */
  newer: string | null;
  /** Cursor for the page of older messages, null on the oldest page. */
  older: string | null;
};

export const isDeliveryState = (s: string): s is DeliveryState =>
  (deliveryStates as readonly string[]).includes(s);

// The cursor carries created_at to the microsecond, as the database stores it: a JavaScript Date would
// round it to milliseconds and skip or repeat messages created within the same millisecond.
const positionText = sql<string>`to_char(${emailMessages.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_(\d{1,15})$/;

type Position = { at: string; id: number };
const positionOf = (row: { position: string; id: number }): Position => ({ at: row.position, id: row.id });
const encodeCursor = (p: Position) => `${p.at}_${p.id}`;

function decodeCursor(cursor: string): Position | null {
  const m = CURSOR.exec(cursor);
  return m ? { at: m[1]!, id: Number(m[2]) } : null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterConditions(filter: EmailLogFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.state) conditions.push(eq(emailMessages.state, filter.state));
  const to = filter.to?.trim().toLowerCase();
  if (to) conditions.push(sql`lower(${emailMessages.toAddress}) like ${`${escapeLike(to)}%`}`);
  return conditions;
}

// Row comparison on (created_at, id) walks email_messages_created_at_idx in either direction.
const olderThan = (c: Position) =>
  sql`(${emailMessages.createdAt}, ${emailMessages.id}) < (${c.at}::timestamptz, ${c.id})`;
const newerThan = (c: Position) =>
  sql`(${emailMessages.createdAt}, ${emailMessages.id}) > (${c.at}::timestamptz, ${c.id})`;

const rowColumns = {
  id: emailMessages.id,
  createdAt: emailMessages.createdAt,
  toAddress: emailMessages.toAddress,
  subject: emailMessages.subject,
  kind: emailMessages.kind,
  state: emailMessages.state,
  attempts: emailMessages.attempts,
  lastError: emailMessages.lastError,
  position: positionText,
};

async function anyBeyond(deps: Deps, conditions: SQL[], beyond: SQL): Promise<boolean> {
  const found = await deps.db
    .select({ id: emailMessages.id })
    .from(emailMessages)
    .where(and(...conditions, beyond))
    .limit(1);
  return found.length > 0;
}

/**
 * One page of the Email Log, newest first, by keyset on (created_at, id) so deep pages cost the same as
 * the first and messages arriving meanwhile do not shift what the next page shows. An unreadable cursor
 * (an edited URL) starts again from the newest message.
 */
export async function listEmailLog(
  deps: Deps,
  filter: EmailLogFilter,
  position?: EmailLogPosition,
  pageSize = EMAIL_LOG_PAGE_SIZE,
): Promise<EmailLogPage> {
  const conditions = filterConditions(filter);
  const cursor = position ? decodeCursor(position.cursor) : null;
  const goingNewer = cursor !== null && position?.direction === 'newer';
  const query = deps.db
    .select(rowColumns)
    .from(emailMessages)
    .where(and(...conditions, ...(cursor ? [goingNewer ? newerThan(cursor) : olderThan(cursor)] : [])))
    .limit(pageSize + 1);
  const fetched = goingNewer
    ? (await query.orderBy(asc(emailMessages.createdAt), asc(emailMessages.id))).reverse()
    : await query.orderBy(desc(emailMessages.createdAt), desc(emailMessages.id));

  const more = fetched.length > pageSize;
  // Going newer, the extra row fetched is the newest one (first after reversing).
  const shown = goingNewer ? fetched.slice(-pageSize) : fetched.slice(0, pageSize);
  const first = shown[0] && positionOf(shown[0]);
  const last = shown.at(-1) && positionOf(shown.at(-1)!);
  let newer: string | null = null;
  let older: string | null = null;
  if (first && last) {
    // The side the reader came from may have emptied meanwhile (messages change state under a filter).
    if (goingNewer) {
      newer = more ? encodeCursor(first) : null;
      older = (await anyBeyond(deps, conditions, olderThan(last))) ? encodeCursor(last) : null;
    } else {
      older = more ? encodeCursor(last) : null;
      newer = cursor && (await anyBeyond(deps, conditions, newerThan(first))) ? encodeCursor(first) : null;
    }
  }
  return { rows: shown.map(({ position: _position, ...row }) => row), newer, older };
}

export type EmailMessageDetail = EmailLogRow & {
  textBody: string | null;
  htmlBody: string | null;
  updatedAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date | null;
  roundId: number | null;
  member: { id: number; name: string; memberNumber: string } | null;
};

/** One message with its bodies, for the Email Log's message page. */
export async function emailMessageById(deps: Deps, id: number): Promise<EmailMessageDetail> {
  const [row] = await deps.db
    .select({
      ...rowColumns,
      textBody: emailMessages.textBody,
      htmlBody: emailMessages.htmlBody,
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
  if (!row) throw new AppError('not_found', 'There is no message with this number in the Email Log.');
  const { position: _position, memberId, firstName, lastName, memberNumber, ...message } = row;
  return {
    ...message,
    member:
      memberId !== null
        ? { id: memberId, name: `${firstName} ${lastName}`, memberNumber: memberNumber ?? '' }
        : null,
  };
}
