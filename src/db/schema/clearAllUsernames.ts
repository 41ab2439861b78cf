// Clear All Usernames and the logins it keeps for Restore.
import { bigint, bigserial, boolean, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
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
    index('cleared_logins_clear_id_idx').on(t.clearId),
    index('cleared_logins_member_id_idx').on(t.memberId),
  ],
);
