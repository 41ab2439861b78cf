import { webhookEndpoints } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { newWebhookSecret } from './signature.ts';
import type { CreateWebhookEndpointInput } from './webhookInput.ts';

export type CreatedWebhookEndpoint = { id: number; url: string; secret: string };

/** Adds a receiver and returns its signing secret: the one time a person sees it. */
export async function createWebhookEndpoint(
  deps: Deps,
  actor: Actor,
  input: CreateWebhookEndpointInput,
): Promise<CreatedWebhookEndpoint> {
  requirePermission(actor, 'webhooks.manage');
  const now = deps.clock.now();
  const secret = newWebhookSecret();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ ...input, secret, createdByLabel: actor.label, createdAt: now })
      .returning({ id: webhookEndpoints.id });
    await recordAudit(tx, now, actor, 'webhook.endpoint_created', {
      details: { endpointId: row!.id, url: input.url, events: input.events },
    });
    return { id: row!.id, url: input.url, secret };
  });
}
