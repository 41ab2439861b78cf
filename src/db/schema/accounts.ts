// Logins and what belongs to them: sessions, throttles, password resets, login history.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';
import { members } from './members.ts';

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
    // The admin home's count of administrators' logins: a handful of rows, found without reading them all.
    index('accounts_staff_idx').on(t.memberId).where(sql`role <> 'member'`),
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
    /** When this session last proved a second step (sign-in or step-up); dangerous actions ask again after STEP_UP_MINUTES. */
    secondStepAt: ts('second_step_at'),
  },
  (t) => [index('sessions_account_id_idx').on(t.accountId)],
);

/**
 * Counters of every throttle (domain/auth/throttleRules.ts: logins, typed codes, fresh links, forgot
 * requests…), one row per key `<rule>:<parts>`; the table is named after the first of them. Unknown
 * usernames are counted exactly like known ones, so the throttle itself reveals nothing about which
 * accounts exist.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: ts('window_start').notNull(),
});

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
