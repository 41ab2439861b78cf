import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { invitationRounds } from '../../db/schema.ts';

const BULK_ROUND_LOCK = 7406002;

/**
 * Send All and reminder rounds are opened one at a time, under one transaction-scoped lock, and never
 * while another is still sending: two bulk rounds in flight together would email the same members twice.
 * Returns the bulk round that is still sending, if any (checked after the lock is held).
 */
export async function lockBulkRounds(tx: Tx): Promise<{ id: number; kind: string } | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BULK_ROUND_LOCK})`);
  const [running] = await tx
    .select({ id: invitationRounds.id, kind: invitationRounds.kind })
    .from(invitationRounds)
    .where(and(inArray(invitationRounds.kind, ['send_all', 'reminder']), isNull(invitationRounds.finishedAt)))
    .limit(1);
  return running ?? null;
}
