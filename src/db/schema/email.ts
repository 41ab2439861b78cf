// Invitation rounds, invitations and every email the portal sends.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { ts } from './columns.ts';
import { deliveryStates, members } from './members.ts';

/** One Send, Send All or reminder: who started it, when, and for how many members. */
export const invitationRounds = pgTable(
  'invitation_rounds',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: ['single', 'send_all', 'reminder'] }).notNull(),
    startedBy: bigint('started_by', { mode: 'number' }).references(() => accounts.id, {
      onDelete: 'set null',
    }),
    startedByLabel: text('started_by_label').notNull(),
    startedAt: ts('started_at').notNull(),
    total: integer('total').notNull(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('invitation_rounds_started_at_idx').on(t.startedAt),
    // Deleting accounts (Clear All Usernames) sets started_by to null: without this index every deleted
    // account scans all rounds (measured: 15 s instead of 0.5 s for 100k accounts, 3,000 rounds).
    index('invitation_rounds_started_by_idx').on(t.startedBy),
  ],
);

/**
 * A personal invitation link and its short typed code. Only SHA-256 hashes are stored; the token itself
 * exists in the email alone (and, for the copy-and-send Re-enable, once on the admin's screen).
 */
export const invitations = pgTable(
  'invitations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    memberId: bigint('member_id', { mode: 'number' })
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    roundId: bigint('round_id', { mode: 'number' }).references(() => invitationRounds.id, {
      onDelete: 'set null',
    }),
    tokenHash: text('token_hash').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    revokedAt: ts('revoked_at'),
    /** Completing this link replaces an existing login (a Re-enable for a member who has one). */
    replacesLogin: boolean('replaces_login').notNull().default(false),
  },
  (t) => [
    uniqueIndex('invitations_token_hash_key').on(t.tokenHash),
    index('invitations_member_id_idx').on(t.memberId),
    // Pending Invitations report: the links still open, soonest to expire first.
    index('invitations_open_expiry_idx')
      .on(t.expiresAt, t.id)
      .where(sql`used_at is null and revoked_at is null`),
  ],
);

/** A secret a kept message carried, by what it is (the words that stand in for it while hidden). */
export type KeptSecret = { label: 'link' | 'code'; value: string };

/**
 * Every email the portal sends, with its delivery state. Without SMTP_URL the message stays here ('logged')
 * as the built-in Email Log. The unique (round, member) pair is what makes a Send All resumable without
 * ever emailing a member twice.
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', {
      enum: [
        'invitation',
        'username_changed',
        'email_changed',
        'password_reset',
        'username_reminder',
        'second_step_added',
        'second_step_removed',
      ],
    }).notNull(),
    memberId: bigint('member_id', { mode: 'number' }).references(() => members.id, { onDelete: 'set null' }),
    roundId: bigint('round_id', { mode: 'number' }).references(() => invitationRounds.id, {
      onDelete: 'set null',
    }),
    invitationId: bigint('invitation_id', { mode: 'number' }).references(() => invitations.id, {
      onDelete: 'set null',
    }),
    // Set when a password_reset message is claimed for sending (see passwordResets).
    passwordResetId: bigint('password_reset_id', { mode: 'number' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    // Without SMTP_URL, the invitation link and code of a kept message: the bodies hold markers in their
    // place, and only a Security Administrator's audited reveal puts them back. Null once mail is delivered.
    keptSecrets: jsonb('kept_secrets').$type<KeptSecret[]>(),
    state: text('state', { enum: deliveryStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    // Which delivery run holds a claimed/sending message (random per run): every write of an outcome is
    // fenced on it, so a run whose lease was taken over cannot send or record what is no longer its own.
    leaseToken: text('lease_token'),
    // An attempt lost its connection after the whole message had gone to the server but before its answer
    // (RFC 1047): that copy may have arrived, so a retry may make a second one (decision 0014).
    mayHaveArrived: boolean('may_have_arrived').notNull().default(false),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('email_messages_round_member_key').on(t.roundId, t.memberId),
    index('email_messages_round_state_idx').on(t.roundId, t.state),
    index('email_messages_member_id_idx').on(t.memberId),
    // Workers claim due messages in id order; as a round is sent, only the unsent rows stay in here.
    index('email_messages_due_idx').on(t.id).where(sql`${t.state} in ('queued', 'deferred')`),
    index('email_messages_created_at_idx').on(t.createdAt, t.id),
    // Messages a worker holds, by lease deadline: finds the ones a dead worker left behind.
    index('email_messages_lease_idx').on(t.nextAttemptAt).where(sql`${t.state} in ('claimed', 'sending')`),
  ],
);

/**
 * The portal-wide SMTP pace (SMTP_RATE_LIMIT): one row holding the moment the next message may start.
 * Every worker process takes its slot from here in one atomic statement, so the limit holds across
 * connections and processes, as mail providers count per account.
 */
export const smtpPace = pgTable(
  'smtp_pace',
  {
    id: integer('id').primaryKey(),
    nextSlotAt: ts('next_slot_at').notNull(),
  },
  (t) => [check('smtp_pace_one_row', sql`${t.id} = 1`)],
);
