import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { WebhookDeliveryState } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { ClaimedWebhook } from './claimDueWebhooks.ts';
import type { WebhookAnswer } from './postWebhook.ts';

/** Waits after the 1st, 2nd, … failed attempt; after the last wait's attempt fails, the delivery fails. */
export const WEBHOOK_RETRY_DELAYS_MS = [1, 5, 30, 120, 480].map((minutes) => minutes * 60_000);

const whyNot = (a: WebhookAnswer) =>
  a.error ??
  `The receiver answered ${a.statusCode}${a.statusCode! >= 300 && a.statusCode! < 400 ? ' (redirects are not followed)' : ''}.`;

/**
 * Keeps the attempt and settles the delivery: a 2xx answer delivers it; anything else waits for the next
 * try (WEBHOOK_RETRY_DELAYS_MS) or, after the last one, fails it. Fenced on the lease: a run whose
 * delivery was taken for abandoned (now `interrupted`) still records the answer, which is the better
 * record, but nothing is written over a delivery that is no longer this run's. Returns the new state,
 * or null when the delivery was not this run's any more.
 */
export async function recordWebhookAttempt(
  deps: Deps,
  leaseToken: string,
  delivery: ClaimedWebhook,
  answer: WebhookAnswer,
): Promise<WebhookDeliveryState | null> {
  const now = deps.clock.now();
  const ok = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
  const retry = !ok && delivery.attempts <= WEBHOOK_RETRY_DELAYS_MS.length;
  const state: WebhookDeliveryState = ok ? 'delivered' : retry ? 'deferred' : 'failed';
  const next = retry ? new Date(now.getTime() + WEBHOOK_RETRY_DELAYS_MS[delivery.attempts - 1]!) : null;
  const [row] = await queryRows(
    deps.db,
    sql`
      with settled as (
        update webhook_deliveries set state = ${state}, next_attempt_at = ${next}, updated_at = ${now},
          delivered_at = ${ok ? now : null}, last_error = ${ok ? null : whyNot(answer)},
          lease_token = ${retry ? null : leaseToken}
        where id = ${delivery.id} and state in ('sending', 'interrupted') and lease_token = ${leaseToken}
        returning id),
      attempt as (
        insert into webhook_attempts (delivery_id, started_at, duration_ms, status_code, response_snippet, error)
        select id, ${answer.startedAt}, ${answer.durationMs}, ${answer.statusCode}, ${answer.snippet}, ${answer.error}
        from settled)
      select count(*) as n from settled`,
    { n: 'number' },
  );
  return row!.n > 0 ? state : null;
}
