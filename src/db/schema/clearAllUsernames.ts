// Clear All Usernames and the logins it keeps for Restore.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts, roles } from './accounts.ts';
import { ts } from './columns.ts';
import { members } from './members.ts';

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
    // Walked in member order by the member-list update that follows a clear or restore (memberLists.ts).
    index('cleared_logins_clear_id_member_id_idx').on(t.clearId, t.memberId),
    index('cleared_logins_member_id_idx').on(t.memberId),
  ],
);

export const loginClearRequestKinds = ['clear', 'restore'] as const;

/**
 * A Clear All Usernames or Restore as asked for on its form, run by the worker: who asked and when, what
 * was confirmed, and — once done — what happened. The logins are removed or put back in one transaction,
 * which sets `done`; the members' `has_login` follows in short batches (`members_cursor`,
 * `members_updated`), and `finished_at` is set when the last batch is in. A request that could not be
 * done has `failure` and no `done` (nothing changed then).
 */
export const loginClearRequests = pgTable(
  'login_clear_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: loginClearRequestKinds }).notNull(),
    requestedAt: ts('requested_at').notNull(),
    // No foreign key, as in audit_events: every account a clear deletes would check this table row by row.
    actorAccountId: bigint('actor_account_id', { mode: 'number' }),
    actorLabel: text('actor_label').notNull(),
    actorIp: text('actor_ip'),
    includeAdmins: boolean('include_admins').notNull().default(false),
    /** Clear: the number of logins the admin confirmed by typing it. */
    confirmed: integer('confirmed'),
    /** Restore: the clear to restore. Clear: the clear it made, once done. */
    clearId: bigint('clear_id', { mode: 'number' }).references(() => loginClears.id, {
      onDelete: 'set null',
    }),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    /** Clear: logins removed; Restore: logins put back. */
    done: integer('done'),
    /** Restore: logins that could not come back. */
    skipped: integer('skipped'),
    /** The last member (by id) of the clear whose has_login has been brought up to date since `done`. */
    membersCursor: bigint('members_cursor', { mode: 'number' }),
    /** How many of the clear's members have been brought up to date, for the progress page. */
    membersUpdated: integer('members_updated'),
    failure: text('failure'),
  },
  (t) => [
    index('login_clear_requests_requested_at_idx').on(t.requestedAt),
    // One clear or restore at a time: a second unfinished request is refused by the database itself.
    uniqueIndex('login_clear_requests_one_unfinished_key').on(sql`(true)`).where(sql`finished_at is null`),
  ],
);
