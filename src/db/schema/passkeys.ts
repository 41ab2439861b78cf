// Passkeys (WebAuthn): a second step beside the authenticator app (twoStep.ts). Checked with
// @simplewebauthn/server in src/domain/passkeys/.
import { bigint, bigserial, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { ts } from './columns.ts';

/**
 * One passkey of a login: the credential id (base64url, as browsers send it), the COSE public key
 * (base64url) and the signature counter the authenticator last reported (0 for those that keep none).
 * `transports`: what the browser said it can reach the authenticator by, comma-separated, as a hint.
 */
export const passkeys = pgTable(
  'passkeys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull(),
    publicKey: text('public_key').notNull(),
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    transports: text('transports').notNull().default(''),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull(),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [
    uniqueIndex('passkeys_credential_id_key').on(t.credentialId),
    index('passkeys_account_id_idx').on(t.accountId),
  ],
);

/**
 * A WebAuthn challenge the server handed out and has not seen answered: one per login and purpose
 * ('register', 'sign_in', 'step_up'), replaced by the next one, deleted when used, and refused after
 * `expires_at` (five minutes). Kept on the server so a browser cannot choose its own challenge.
 */
export const passkeyChallenges = pgTable(
  'passkey_challenges',
  {
    accountId: bigint('account_id', { mode: 'number' })
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    challenge: text('challenge').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [uniqueIndex('passkey_challenges_account_purpose_key').on(t.accountId, t.purpose)],
);
