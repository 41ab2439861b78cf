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
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** What became of the newest invitation email (null: never invited). */
export const deliveryStates = [
  'queued',
  // Taken by a worker, not yet handed to the mail server: safe to queue again if the worker dies.
  'claimed',
  // Handed to the mail server: if the worker dies now, nobody knows whether it arrived.
  'sending',
  'sent',
  'logged',
  'deferred',
  'failed',
  'interrupted',
  'skipped',
] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/** The organisation's roster. A member exists before (and without) a portal login. */
export const members = pgTable(
  'members',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    memberNumber: text('member_number').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email').notNull(),
    // A lower-cased copy instead of citext: measured several times cheaper to index and load.
    emailLower: text('email_lower').notNull(),
    status: text('status', { enum: ['current', 'lapsed'] })
      .notNull()
      .default('current'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    // Kept by a trigger on accounts (insert/delete), so every path that adds or removes a login agrees.
    hasLogin: boolean('has_login').notNull().default(false),
    // Invitation summary, written with each invitation email so the Invitation Codes list can filter
    // and sort on it without joining the message history of a million members.
    invitationsSent: integer('invitations_sent').notNull().default(0),
    lastInvitedAt: ts('last_invited_at'),
    deliveryState: text('delivery_state', { enum: deliveryStates }),
    deliveryDetail: text('delivery_detail'),
  },
  (t) => [
    uniqueIndex('members_member_number_key').on(t.memberNumber),
    index('members_email_lower_idx').on(t.emailLower),
    index('members_name_idx').on(t.lastName, t.firstName, t.id),
    // Invitation Codes (src/domain/invitations/pendingMembers.ts) lists only members without a login. Partial
    // indexes hold just that set, so they shrink as members join; one per sortable column, each ending in
    // the id tie-break its keyset pagination compares on.
    index('members_pending_name_idx').on(t.lastName, t.firstName, t.id).where(sql`not has_login`),
    index('members_pending_number_idx').on(t.memberNumber, t.id).where(sql`not has_login`),
    index('members_pending_email_idx').on(t.emailLower, t.id).where(sql`not has_login`),
    // Never invited sorts as longest ago: the -infinity sentinel keeps NULLs inside one index order.
    index('members_pending_last_invited_idx')
      .on(sql`coalesce(last_invited_at, '-infinity'::timestamptz)`, t.id)
      .where(sql`not has_login`),
    index('members_pending_invitations_sent_idx')
      .on(t.invitationsSent, t.lastName, t.firstName, t.id)
      .where(sql`not has_login`),
    // "Delivery failed only": few rows in a healthy roster, so the filter must not have to read the others.
    index('members_pending_failed_idx')
      .on(t.lastName, t.firstName, t.id)
      .where(sql`not has_login and delivery_state = 'failed'`),
    // Trigram search over names, email and member number, space-padded so that one- and two-letter terms
    // can match whole words through the same index. The expression must stay identical to SEARCH_TEXT in
    // src/domain/invitations/pendingSearch.ts or the planner cannot use it.
    index('members_pending_search_idx')
      .using(
        'gin',
        sql`(' ' || lower(first_name) || ' ' || lower(last_name) || ' ' || email_lower || ' ' || lower(member_number) || ' ') gin_trgm_ops`,
      )
      .where(sql`not has_login`),
    // The same for members who have a login (Member Search reads both): together the two partial
    // indexes hold each member's search text exactly once.
    index('members_login_search_idx')
      .using(
        'gin',
        sql`(' ' || lower(first_name) || ' ' || lower(last_name) || ' ' || email_lower || ' ' || lower(member_number) || ' ') gin_trgm_ops`,
      )
      .where(sql`has_login`),
    // Member Roster - Current's "Delivery failed only" reads the failed members first (few in a healthy
    // roster) whatever the sort. Imported members have no delivery state, so imports never touch it.
    index('members_failed_idx').on(t.id).where(sql`delivery_state = 'failed'`),
    check('members_status_check', sql`${t.status} in ('current', 'lapsed')`),
  ],
);

export const roles = ['member', 'admin', 'security_admin'] as const;
export type Role = (typeof roles)[number];

/** A portal login: at most one per member. */
export const accounts = pgTable(
  'accounts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    memberId: bigint('member_id', { mode: 'number' })
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    username: text('username').notNull(),
    usernameLower: text('username_lower').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: roles }).notNull().default('member'),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    passwordChangedAt: ts('password_changed_at').notNull().defaultNow(),
    lastLoginAt: ts('last_login_at'),
  },
  (t) => [
    uniqueIndex('accounts_member_id_key').on(t.memberId),
    uniqueIndex('accounts_username_lower_key').on(t.usernameLower),
    // Member Roster - Current (src/domain/reports/memberRosterSql.ts) sorts by these login columns. Logins
    // with a Last Login and those without are read as two index orders (PERFORMANCE.md: NULLs last is
    // fast only that way); both end in member_id, the roster's tie-break. On accounts, not members, so
    // roster imports (which add members without logins) do not pay for them.
    index('accounts_last_login_idx').on(t.lastLoginAt, t.memberId).where(sql`last_login_at is not null`),
    index('accounts_never_logged_in_idx').on(t.memberId).where(sql`last_login_at is null`),
    index('accounts_created_at_idx').on(t.createdAt, t.memberId),
    // Login Activity's "not logged in since the login was created" (see reports/loginActivity.ts).
    index('accounts_unused_login_idx')
      .on(t.createdAt, t.id)
      .where(sql`last_login_at is null or last_login_at <= created_at`),
    check('accounts_role_check', sql`${t.role} in ('member', 'admin', 'security_admin')`),
  ],
);

/** Server-side sessions. The cookie holds a random token; only its SHA-256 is stored here. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_account_id_idx').on(t.accountId)],
);

/**
 * Failed-login counters per key ("ip:…" or "user:…"). Unknown usernames are counted exactly like
 * known ones, so the throttle itself reveals nothing about which accounts exist.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: ts('window_start').notNull(),
});

/** Who did what to whom, when, from where. Append-only. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    actorAccountId: bigint('actor_account_id', { mode: 'number' }),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    memberId: bigint('member_id', { mode: 'number' }),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // (at, id): the Audit Log's keyset order, newest first, walked in either direction.
    index('audit_events_at_id_idx').on(t.at, t.id),
    index('audit_events_member_id_idx').on(t.memberId),
  ],
);

/** Small key/value store: the one-time setup token hash, organisation settings. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** An uploaded roster file waiting for the admin to look at its preview and apply it. */
export const rosterUploads = pgTable('roster_uploads', {
  id: text('id').primaryKey(),
  uploadedBy: bigint('uploaded_by', { mode: 'number' }).references(() => accounts.id, {
    onDelete: 'cascade',
  }),
  fileName: text('file_name').notNull(),
  content: text('content').notNull(),
  createdAt: ts('created_at').notNull(),
});

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
      enum: ['invitation', 'username_changed', 'email_changed', 'password_reset', 'username_reminder'],
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
 * A "Forgot password" or "send a password reset link instead" link: valid for one hour, used once. Like an
 * invitation, the row is made when the email is claimed for sending, so the token exists only in the email.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    uniqueIndex('password_resets_token_hash_key').on(t.tokenHash),
    index('password_resets_account_id_idx').on(t.accountId),
  ],
);

/** Each successful login, so members can see their own recent logins (and spot one that was not theirs). */
export const loginHistory = pgTable(
  'login_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // No foreign key on purpose: a login removed by Clear All Usernames keeps its history for Restore (same
    // account id), and Login Activity keeps counting logins that happened. Housekeeping ends every row at
    // 180 days.
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    at: ts('at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('login_history_account_at_idx').on(t.accountId, t.at),
    // Login Activity (logins and distinct members per day) reads a date range from this index alone.
    index('login_history_at_idx').on(t.at, t.accountId),
  ],
);

/** One Clear All Usernames: who ran it, when, and until when its logins may be restored. */
export const loginClears = pgTable(
  'login_clears',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    actorAccountId: bigint('actor_account_id', { mode: 'number' }).references(() => accounts.id, {
      onDelete: 'set null',
    }),
    actorLabel: text('actor_label').notNull(),
    includedAdmins: boolean('included_admins').notNull(),
    removed: integer('removed').notNull(),
    restorableUntil: ts('restorable_until').notNull(),
    restoredAt: ts('restored_at'),
    restoredByLabel: text('restored_by_label'),
  },
  (t) => [index('login_clears_at_idx').on(t.at)],
);

/**
 * The logins a Clear All Usernames removed, kept whole (same id, hash and role) so that Restore can put
 * each back exactly as it was — unless the member has made a new login since.
 */
export const clearedLogins = pgTable(
  'cleared_logins',
  {
    clearId: bigint('clear_id', { mode: 'number' })
      .notNull()
      .references(() => loginClears.id, { onDelete: 'cascade' }),
    accountId: bigint('account_id', { mode: 'number' }).notNull(),
    memberId: bigint('member_id', { mode: 'number' })
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    username: text('username').notNull(),
    usernameLower: text('username_lower').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: roles }).notNull(),
    mustChangePassword: boolean('must_change_password').notNull(),
    createdAt: ts('created_at').notNull(),
    passwordChangedAt: ts('password_changed_at').notNull(),
    lastLoginAt: ts('last_login_at'),
    restoredAt: ts('restored_at'),
  },
  (t) => [
    index('cleared_logins_clear_id_idx').on(t.clearId),
    index('cleared_logins_member_id_idx').on(t.memberId),
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

/**
 * Forms that must not act twice (Send, Send All) carry a random key; the first submission stores its
 * result here in the same transaction as its action, and a repeat within the window answers with it.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    action: text('action').notNull(),
    result: jsonb('result').$type<unknown>().notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.key] }),
    index('form_submissions_created_at_idx').on(t.createdAt),
  ],
);
