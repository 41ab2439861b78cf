import { sql } from 'drizzle-orm';
import { queryRows, type RowOf } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

const endpointShape = {
  id: 'number',
  url: 'text',
  description: 'text',
  events: 'json',
  enabled: 'boolean',
  createdAt: 'date',
  createdByLabel: 'text',
} as const;
export type WebhookEndpointRow = Omit<RowOf<typeof endpointShape>, 'events'> & { events: string[] };

/** Every endpoint (a handful); their deliveries are on each endpoint's own page. */
export async function listWebhookEndpoints(deps: Deps, actor: Actor): Promise<WebhookEndpointRow[]> {
  requirePermission(actor, 'webhooks.manage');
  const rows = await queryRows(
    deps.db,
    sql`
      select ep.id, ep.url, ep.description, to_jsonb(ep.events) as events, ep.enabled,
             ep.created_at as "createdAt", ep.created_by_label as "createdByLabel"
      from webhook_endpoints ep order by ep.id`,
    endpointShape,
  );
  return rows.map((r) => ({ ...r, events: r.events as string[] }));
}
