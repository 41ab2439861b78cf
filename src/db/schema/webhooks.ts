// Webhooks: the membership database is told about logins, failed invitations and finished rounds.
// Events are written to webhook_deliveries in the transaction of the action (an outbox); the worker sends.
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
import { ts } from './columns.ts';

/** The events an endpoint may subscribe to (the names of the JSON API contract). */
export const webhookEventTypes = [
  'member.login_created',
  'invitation.delivery_failed',
  'invitation_round.finished',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * Where a delivery stands. `sending`: handed to the receiver by a worker under a lease; a worker that
 * dies there leaves it `interrupted` (it may have arrived), never resent without a person's Retry.
 */
export const webhookDeliveryStates = [
  'queued',
  'deferred',
  'sending',
  'delivered',
  'failed',
  'interrupted',
] as const;
export type WebhookDeliveryState = (typeof webhookDeliveryStates)[number];

/**
 * A receiver. The signing secret (`whsec_` + base64, Standard Webhooks) is kept as it is, because the
 * worker signs with it; it is shown to a person once, when created or rotated.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    events: text('events').array().$type<WebhookEventType[]>().notNull(),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [check('webhook_endpoints_has_events', sql`cardinality(${t.events}) > 0`)],
);

/**
 * One event for one endpoint. `event_id` is the Standard Webhooks `webhook-id`, made from what caused
 * it (`login_<account id>`, …): unique with the endpoint, so an event is queued once per endpoint even
 * when its cause is recorded twice.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    endpointId: bigint('endpoint_id', { mode: 'number' })
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    state: text('state', { enum: webhookDeliveryStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    // Due time while queued/deferred; the lease deadline while sending.
    nextAttemptAt: ts('next_attempt_at'),
    leaseToken: text('lease_token'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint_key').on(t.eventId, t.endpointId),
    // The page's recent deliveries of one endpoint, newest first.
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    // The worker's claim: only what is waiting stays in here.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.state} in ('queued', 'deferred')`),
    // Deliveries a worker holds, by lease deadline: finds the ones a dead worker left behind.
    index('webhook_deliveries_lease_idx').on(t.nextAttemptAt).where(sql`${t.state} = 'sending'`),
  ],
);

/** One POST and its answer: status, the start of the body (bounded), or why there was none. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    startedAt: ts('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    responseSnippet: text('response_snippet'),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);
