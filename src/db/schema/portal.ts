// The portal's own small stores: settings, roster uploads awaiting their preview, repeat-safe forms.
import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { apiTokens } from './apiTokens.ts';
import { ts } from './columns.ts';

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

/**
 * Forms that must not act twice (Send, Send All) carry a random key; the first submission stores its
 * result here in the same transaction as its action, and a repeat within the window answers with it.
 * The JSON API's `Idempotency-Key` is the same thing for a token: each row belongs to exactly one
 * submitter, a signed-in account or an API token, and a key is unique per submitter (NULLS NOT DISTINCT,
 * so one conflict target serves both kinds).
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    accountId: bigint('account_id', { mode: 'number' }).references(() => accounts.id, {
      onDelete: 'cascade',
    }),
    apiTokenId: bigint('api_token_id', { mode: 'number' }).references(() => apiTokens.id, {
      onDelete: 'cascade',
    }),
    key: text('key').notNull(),
    action: text('action').notNull(),
    result: jsonb('result').$type<unknown>().notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    unique('form_submissions_submitter_key').on(t.accountId, t.apiTokenId, t.key).nullsNotDistinct(),
    check('form_submissions_one_submitter', sql`num_nonnulls(${t.accountId}, ${t.apiTokenId}) = 1`),
    index('form_submissions_created_at_idx').on(t.createdAt),
  ],
);
