import { sql } from 'drizzle-orm';
import { queryRows, type RowOf } from '../../db/rows.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { listWebhookEndpoints, type WebhookEndpointRow } from './webhookEndpointList.ts';

/** How many of an endpoint's newest deliveries its page shows, and attempts per delivery. */
export const RECENT_DELIVERIES = 25;
const ATTEMPTS_SHOWN = 10;

const deliveryShape = {
  id: 'number',
  eventId: 'text',
  eventType: 'text',
  state: 'text',
  attempts: 'number',
  nextAttemptAt: 'date?',
  lastError: 'text?',
  createdAt: 'date',
  deliveredAt: 'date?',
} as const;
const attemptShape = {
  deliveryId: 'number',
  startedAt: 'date',
  durationMs: 'number',
  statusCode: 'number?',
  responseSnippet: 'text?',
  error: 'text?',
} as const;
export type WebhookAttemptRow = RowOf<typeof attemptShape>;
export type WebhookDeliveryRow = RowOf<typeof deliveryShape> & { tries: WebhookAttemptRow[] };

/** One endpoint, its newest deliveries and, for each, its attempts with the receiver's answers. */
export async function webhookEndpointDetail(
  deps: Deps,
  actor: Actor,
  endpointId: number,
): Promise<{ endpoint: WebhookEndpointRow; deliveries: WebhookDeliveryRow[] }> {
  requirePermission(actor, 'webhooks.manage');
  const endpoint = (await listWebhookEndpoints(deps, actor)).find((e) => e.id === endpointId);
  if (!endpoint) throw new AppError('not_found', 'There is no webhook endpoint with that number.');
  const deliveries = await queryRows(
    deps.db,
    sql`
      select id, event_id as "eventId", event_type as "eventType", state, attempts,
             next_attempt_at as "nextAttemptAt", last_error as "lastError", created_at as "createdAt",
             delivered_at as "deliveredAt"
      from webhook_deliveries where endpoint_id = ${endpointId} order by id desc limit ${RECENT_DELIVERIES}`,
    deliveryShape,
  );
  const attempts = await queryRows(
    deps.db,
    sql`
      select a.delivery_id as "deliveryId", a.started_at as "startedAt", a.duration_ms as "durationMs",
             a.status_code as "statusCode", a.response_snippet as "responseSnippet", a.error
      from unnest(${sql.param(deliveries.map((d) => d.id))}::bigint[]) as d(id)
      cross join lateral (select * from webhook_attempts a where a.delivery_id = d.id
                          order by a.id desc limit ${ATTEMPTS_SHOWN}) a
      order by a.delivery_id, a.id`,
    attemptShape,
  );
  return {
    endpoint,
    deliveries: deliveries.map((d) => ({ ...d, tries: attempts.filter((a) => a.deliveryId === d.id) })),
  };
}
