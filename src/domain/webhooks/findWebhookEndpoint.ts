import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { webhookEndpoints } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

/** An endpoint by id, locked for the change the caller makes; 404 when it is gone. */
export async function lockWebhookEndpoint(tx: DbOrTx, id: number) {
  const [row] = await tx
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, enabled: webhookEndpoints.enabled })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .for('update');
  if (!row) throw new AppError('not_found', 'There is no webhook endpoint with that number.');
  return row;
}
