// The Audit Log.
import { bigint, bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';

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
