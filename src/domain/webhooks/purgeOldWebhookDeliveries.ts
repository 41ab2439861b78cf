import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';

/** How long a settled delivery (and its attempts) stays on its endpoint's page. */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 30;

/**
 * Housekeeping: settled deliveries (delivered, failed, interrupted) untouched for 30 days go, with their
 * attempts. Their event ids are free again only for causes that can never recur (ids are per cause).
 */
export async function purgeOldWebhookDeliveries(deps: Deps): Promise<void> {
  const before = new Date(deps.clock.now().getTime() - WEBHOOK_DELIVERY_RETENTION_DAYS * 86_400_000);
  await deps.db.execute(sql`
    delete from webhook_deliveries
    where state in ('delivered', 'failed', 'interrupted') and updated_at < ${before}`);
}
