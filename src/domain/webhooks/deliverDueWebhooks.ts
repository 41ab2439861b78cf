import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { claimDueWebhooks } from './claimDueWebhooks.ts';
import { postWebhook, WEBHOOK_TIMEOUT_MS } from './postWebhook.ts';
import { recordWebhookAttempt } from './recordWebhookAttempt.ts';

/** Deliveries POSTed side by side by one run: a slow receiver holds up at most this many. */
const BATCH = 8;

export type WebhookRun = { delivered: number; retrying: number; failed: number };

/**
 * Sends what is due until nothing is, in batches: claim (into `sending`), POST each side by side, record
 * each answer. The lease is renewed while a batch is out, so a slow receiver never makes a live worker's
 * deliveries look abandoned. `stopping` ends the run after the batch in hand (at most one timeout).
 */
export async function deliverDueWebhooks(
  deps: Deps,
  opts: { stopping?: AbortSignal; timeoutMs?: number; onLeaseError?: (err: unknown) => void } = {},
): Promise<WebhookRun> {
  const run: WebhookRun = { delivered: 0, retrying: 0, failed: 0 };
  const token = randomUUID();
  while (!opts.stopping?.aborted) {
    const batch = await claimDueWebhooks(deps, token, BATCH);
    if (batch.length === 0) break;
    const renew = setInterval(
      () =>
        void deps.db
          .execute(sql`
            update webhook_deliveries set next_attempt_at = ${new Date(deps.clock.now().getTime() + deps.config.deliveryLeaseMs)}
            where state = 'sending' and lease_token = ${token}`)
          .catch((err) => opts.onLeaseError?.(err)),
      Math.max(100, Math.floor(deps.config.deliveryLeaseMs / 3)),
    );
    try {
      const states = await Promise.all(
        batch.map(async (delivery) => {
          const answer = await postWebhook(delivery, deps.clock.now(), opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
          return recordWebhookAttempt(deps, token, delivery, answer);
        }),
      );
      for (const s of states) {
        if (s === 'delivered') run.delivered++;
        else if (s === 'deferred') run.retrying++;
        else if (s === 'failed') run.failed++;
      }
    } finally {
      clearInterval(renew);
    }
  }
  return run;
}
