// Two-step sign-in: the authenticator app (TOTP), recovery codes, and the sign-in waiting for its second
// step. Passkeys (WebAuthn) are another table beside these (see domain/twoStep/secondSteps.ts).
import { bigint, bigserial, boolean, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { ts } from './columns.ts';

/**
 * A login's authenticator app. The shared secret must be readable to check codes, so it is stored as is
 * (never logged, never shown again after set-up). `confirmedAt` NULL: set-up started, no code typed yet.
 * `lastStep`: the 30-second step of the last code accepted; a code of that step or an earlier one is
 * refused, so a code works once.
 */
export const authenticatorApps = pgTable('authenticator_apps', {
  accountId: bigint('account_id', { mode: 'number' })
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  createdAt: ts('created_at').notNull(),
  confirmedAt: ts('confirmed_at'),
  lastStep: bigint('last_step', { mode: 'number' }),
});

/** Ten single-use recovery codes per login; only a SHA-256 of each (salted with the account id) is kept. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [uniqueIndex('recovery_codes_account_hash_key').on(t.accountId, t.codeHash)],
);

/**
 * A sign-in whose password was right and whose second step is still owed (the "half session"): the
 * browser holds a random token in its own cookie, this table its SHA-256. Only /login/verify accepts it;
 * it lasts five minutes and is used once. `keep`: "Keep me signed in" as ticked on the login form.
 */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    keep: boolean('keep').notNull().default(false),
  },
  (t) => [index('login_challenges_account_id_idx').on(t.accountId)],
);
