import type { Logger } from 'pino';
import type { Deps } from '../domain/deps.ts';
import { deliverDueWebhooks } from '../domain/webhooks/deliverDueWebhooks.ts';
import { interruptAbandonedWebhooks } from '../domain/webhooks/interruptAbandonedWebhooks.ts';
import { purgeOldWebhookDeliveries } from '../domain/webhooks/purgeOldWebhookDeliveries.ts';

/**
 * How often the worker looks for due webhook deliveries. Events are queued inside other actions'
 * transactions (the outbox), which do not wake the worker; a look is one index probe of a partial index
 * that holds only what is waiting, so polling costs next to nothing and keeps the actions untouched.
 */
export const WEBHOOK_POLL_MS = 2_000;
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Webhook delivery in the worker: at start, sends a crash of ours left undecided are marked interrupted
 * (all of them when only this process can use the database); then every poll settles abandoned sends of
 * other workers and delivers what is due; once an hour, settled deliveries past 30 days go. `stop()`
 * lets the batch in hand finish.
 */
export async function startWebhookDelivery(
  deps: Deps,
  logger: Logger,
  opts: { singleProcess: boolean; pollMs?: number },
): Promise<{ stop(): Promise<void> }> {
  const interrupted = await interruptAbandonedWebhooks(deps, { everything: opts.singleProcess });
  if (interrupted > 0)
    logger.warn(`${interrupted} webhook delivery(ies) were interrupted by a previous crash`);
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  let purgedAt = 0;
  const tick = async () => {
    try {
      if (Date.now() - purgedAt > PURGE_EVERY_MS) {
        purgedAt = Date.now();
        await purgeOldWebhookDeliveries(deps);
      }
      await interruptAbandonedWebhooks(deps);
      const result = await deliverDueWebhooks(deps, {
        stopping: stopping.signal,
        onLeaseError: (err) => logger.warn({ err }, 'could not renew the webhook delivery lease'),
      });
      if (result.delivered + result.retrying + result.failed > 0) logger.info(result, 'webhooks sent');
    } catch (err) {
      logger.error({ err }, 'webhook delivery failed');
    }
  };
  const timer = setInterval(() => {
    if (running || stopping.signal.aborted) return;
    running = tick().finally(() => {
      running = null;
    });
  }, opts.pollMs ?? WEBHOOK_POLL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
