import { type SQL, sql } from 'drizzle-orm';
import type { WebhookEventType } from '../../db/schema.ts';

/** A timestamp as JSON shows it (UTC, milliseconds, `Z`), whatever the session's time zone. */
export const isoUtc = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The outbox: one statement that queues an event for every enabled endpoint subscribed to it, written in
 * the transaction of the action that caused it (usable as a CTE, too). `source` selects the events as
 * `(event_id text, data jsonb)`; the body sent is `{ type, timestamp, data }` (Standard Webhooks). The
 * uncorrelated EXISTS is planned as a one-time filter: with no subscribed endpoint, `source` is never
 * read, so the action pays one index-free look at a tiny table. An event already queued for an endpoint
 * (same id) is left as it is.
 */
export function queueWebhookEventsSql(type: WebhookEventType, now: Date, source: SQL): SQL {
  const subscribed = sql`ep.enabled and ${type} = any(ep.events)`;
  return sql`
    insert into webhook_deliveries (endpoint_id, event_id, event_type, payload, state, next_attempt_at, created_at, updated_at)
    select ep.id, s.event_id, ${type},
           jsonb_build_object('type', ${type}::text, 'timestamp', ${now.toISOString()}::text, 'data', s.data),
           'queued', ${now}, ${now}, ${now}
    from (${source}) s cross join webhook_endpoints ep
    where ${subscribed} and exists (select 1 from webhook_endpoints ep where ${subscribed})
    on conflict (event_id, endpoint_id) do nothing`;
}
