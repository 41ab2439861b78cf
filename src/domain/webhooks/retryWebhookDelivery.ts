import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

/**
 * A person's Retry of a failed or interrupted delivery: queued again now with a fresh schedule of
 * attempts. For an interrupted one this is the decision that the receiver may get the event twice (it
 * can tell by `webhook-id`), which the worker never takes by itself.
 */
export async function retryWebhookDelivery(
  deps: Deps,
  actor: Actor,
  input: { endpointId: number; deliveryId: number },
): Promise<void> {
  requirePermission(actor, 'webhooks.manage');
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [row] = await queryRows(
      tx,
      sql`
        update webhook_deliveries d set state = 'queued', attempts = 0, next_attempt_at = ${now},
          lease_token = null, updated_at = ${now}
        from webhook_endpoints ep
        where d.id = ${input.deliveryId} and d.endpoint_id = ${input.endpointId} and ep.id = d.endpoint_id
          and d.state in ('failed', 'interrupted')
        returning d.event_id as "eventId", d.state, ep.url`,
      { eventId: 'text', state: 'text', url: 'text' },
    );
    if (!row) {
      throw new AppError(
        'conflict',
        'That delivery is not failed or interrupted any more: nothing to retry.',
      );
    }
    await recordAudit(tx, now, actor, 'webhook.delivery_retried', {
      details: {
        endpointId: input.endpointId,
        deliveryId: input.deliveryId,
        eventId: row.eventId,
        url: row.url,
      },
    });
  });
}
