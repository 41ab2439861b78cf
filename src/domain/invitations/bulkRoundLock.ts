import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { invitationRounds } from '../../db/schema.ts';
import { unfinishedRequest } from '../clearAllUsernames/loginClearRequests.ts';

const BULK_ROUND_LOCK = 7406002;

/** What keeps a bulk round from opening: a round still sending, or a clear or restore not yet finished. */
export type BulkRoundBlocker = { kind: 'send_all' | 'reminder' | 'clear' | 'restore'; id: number };

/**
 * Send All and reminder rounds are opened one at a time, under one transaction-scoped lock, and never
 * while another is still sending: two bulk rounds in flight together would email the same members twice.
 * Nor while a Clear All Usernames or Restore is unfinished: it changes who has a login, and members'
 * has_login follows only after its logins (decision 0031), so a round's audience would be read from lists
 * half brought up to date. Returns what blocks, if anything (checked after the lock is held).
 */
export async function lockBulkRounds(tx: Tx): Promise<BulkRoundBlocker | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BULK_ROUND_LOCK})`);
  const [running] = await tx
    .select({ id: invitationRounds.id, kind: invitationRounds.kind })
    .from(invitationRounds)
    .where(and(inArray(invitationRounds.kind, ['send_all', 'reminder']), isNull(invitationRounds.finishedAt)))
    .limit(1);
  if (running) return { id: running.id, kind: running.kind === 'reminder' ? 'reminder' : 'send_all' };
  const clear = await unfinishedRequest(tx);
  return clear && { id: clear.id, kind: clear.kind };
}
