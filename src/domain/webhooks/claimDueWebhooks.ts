import { sql } from 'drizzle-orm';
import { queryRows, type RowOf } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';

const claimedShape = {
  id: 'number',
  eventId: 'text',
  body: 'text',
  attempts: 'number',
  url: 'text',
  secret: 'text',
} as const;
export type ClaimedWebhook = RowOf<typeof claimedShape>;

/**
 * Takes up to `limit` due deliveries of enabled endpoints straight into `sending` under this run's lease
 * (`leaseToken`, deadline in `next_attempt_at`), counting the attempt. There is nothing to prepare before
 * the POST, so no separate "claimed" step: from here on a crash leaves the delivery `interrupted`, never
 * sent again by itself. SKIP LOCKED lets several workers claim side by side.
 */
export async function claimDueWebhooks(
  deps: Deps,
  leaseToken: string,
  limit: number,
): Promise<ClaimedWebhook[]> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.config.deliveryLeaseMs);
  return queryRows(
    deps.db,
    sql`
      with due as (
        select d.id from webhook_deliveries d join webhook_endpoints ep on ep.id = d.endpoint_id and ep.enabled
        where d.state in ('queued', 'deferred') and d.next_attempt_at <= ${now}
        order by d.next_attempt_at, d.id limit ${limit}
        for update of d skip locked)
      update webhook_deliveries d
      set state = 'sending', attempts = d.attempts + 1, lease_token = ${leaseToken},
          next_attempt_at = ${leaseUntil}, updated_at = ${now}
      from due, webhook_endpoints ep
      where d.id = due.id and ep.id = d.endpoint_id
      returning d.id, d.event_id as "eventId", d.payload::text as body, d.attempts, ep.url, ep.secret`,
    claimedShape,
  );
}
