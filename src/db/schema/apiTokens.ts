// API tokens: how a membership database's sync script signs in to the JSON API (/api/v1).
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import type { ApiScope } from './apiScopes.ts';
import { ts } from './columns.ts';

// In a file of its own (no table in it), so that checking a command line's scopes loads no database code.
export { type ApiScope, apiScopes } from './apiScopes.ts';

/**
 * One row per token. The token itself is shown once and never stored: only its SHA-256 (like sessions
 * and invitation links). Revoked tokens stay, so the Audit Log's names and the list keep their history.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    nameLower: text('name_lower').notNull(),
    tokenHash: text('token_hash').notNull(),
    // The token's first characters, shown in the list so a person can tell which token a script holds.
    prefix: text('prefix').notNull(),
    scopes: text('scopes').array().$type<ApiScope[]>().notNull(),
    createdBy: bigint('created_by', { mode: 'number' }).references(() => accounts.id, {
      onDelete: 'set null',
    }),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
    revokedByLabel: text('revoked_by_label'),
    lastUsedAt: ts('last_used_at'),
    lastUsedIp: text('last_used_ip'),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash),
    // A name says which script holds a token: unique among the tokens that still work.
    uniqueIndex('api_tokens_live_name_key').on(t.nameLower).where(sql`revoked_at is null`),
    index('api_tokens_created_at_idx').on(t.createdAt, t.id),
    check('api_tokens_has_scopes', sql`cardinality(${t.scopes}) > 0`),
  ],
);
