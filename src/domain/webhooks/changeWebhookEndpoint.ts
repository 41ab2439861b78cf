import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockWebhookEndpoint } from './findWebhookEndpoint.ts';
import { newWebhookSecret } from './signature.ts';

export type EndpointChange = { endpointId: number; action: 'enable' | 'disable' | 'delete' | 'rotate' };

/**
 * Enable, disable, delete an endpoint or give it a new signing secret, audited. Disabled: nothing new is
 * queued for it and what waits stays waiting until it is enabled again. Deleted: its deliveries go too.
 * Rotating returns the new secret (shown once); the old one stops signing at once.
 */
export async function changeWebhookEndpoint(
  deps: Deps,
  actor: Actor,
  change: EndpointChange,
): Promise<{ endpointId: number; url: string; secret: string | null }> {
  requirePermission(actor, 'webhooks.manage');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const endpoint = await lockWebhookEndpoint(tx, change.endpointId);
    const where = eq(webhookEndpoints.id, endpoint.id);
    let secret: string | null = null;
    if (change.action === 'delete') await tx.delete(webhookEndpoints).where(where);
    else if (change.action === 'rotate') {
      secret = newWebhookSecret();
      await tx.update(webhookEndpoints).set({ secret }).where(where);
    } else
      await tx
        .update(webhookEndpoints)
        .set({ enabled: change.action === 'enable' })
        .where(where);
    await recordAudit(tx, now, actor, `webhook.endpoint_${actionWords[change.action]}`, {
      details: { endpointId: endpoint.id, url: endpoint.url },
    });
    return { endpointId: endpoint.id, url: endpoint.url, secret };
  });
}

const actionWords = {
  enable: 'enabled',
  disable: 'disabled',
  delete: 'deleted',
  rotate: 'secret_rotated',
} as const;
