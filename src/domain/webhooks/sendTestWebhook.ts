import { randomUUID } from 'node:crypto';
import { webhookDeliveries } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockWebhookEndpoint } from './findWebhookEndpoint.ts';

/** The type of the event `Send test event` queues; receivers can tell it from the real ones. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Queues a `webhook.test` event for one endpoint, so a person can see a delivery and its answer. */
export async function sendTestWebhook(
  deps: Deps,
  actor: Actor,
  input: { endpointId: number },
): Promise<{ deliveryId: number }> {
  requirePermission(actor, 'webhooks.manage');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const endpoint = await lockWebhookEndpoint(tx, input.endpointId);
    const eventId = `test_${randomUUID()}`;
    const payload = {
      type: TEST_EVENT_TYPE,
      timestamp: now.toISOString(),
      data: { sent_by: actor.label },
    };
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({
        endpointId: endpoint.id,
        eventId,
        eventType: TEST_EVENT_TYPE,
        payload,
        state: 'queued',
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: webhookDeliveries.id });
    await recordAudit(tx, now, actor, 'webhook.test_sent', {
      details: { endpointId: endpoint.id, url: endpoint.url, eventId },
    });
    return { deliveryId: row!.id };
  });
}
