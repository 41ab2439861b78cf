import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import type { Deps } from '../deps.ts';
import { requeueClaimed } from './deliveryLease.ts';
import { finishCompletedRounds } from './recordOutcome.ts';

const INTERRUPTED =
  'The worker stopped while this message was being sent, so it may or may not have arrived. ' +
  'It was not sent again, so that nobody gets two copies; the next round includes the member.';

/**
 * Settles the messages of a worker that died (their lease ran out). Claimed but never handed to the mail
 * server: queued again, and the invitation made for them revoked (nobody has its link). Handed over:
 * marked interrupted and never resent — the price of "never emailed twice", paid only for the messages
 * in flight at the crash. With the embedded database only one process can be sending, so at its start
 * `everything` it finds is abandoned. Returns how many messages were interrupted.
 */
export async function interruptAbandonedSends(
  deps: Deps,
  opts: { everything?: boolean } = {},
): Promise<number> {
  const now = deps.clock.now();
  const abandoned = opts.everything === true ? sql`true` : sql`next_attempt_at < ${now}`;
  return deps.db.transaction(async (tx) => {
    await requeueClaimed(tx, now, abandoned);
    // The token stays on an interrupted message: should its holder turn out alive after all (a long pause),
    // it still records what the mail server answered (recordOutcomes).
    const interrupted = await queryRows<{ member_id: number | null; kind: string }>(
      tx,
      sql`
        update email_messages set state = 'interrupted', next_attempt_at = null, updated_at = ${now},
          last_error = ${INTERRUPTED}
        where state = 'sending' and ${abandoned}
        returning member_id, kind`,
    );
    const memberIds = interrupted
      .filter((m) => m.kind === 'invitation' && m.member_id !== null)
      .map((m) => m.member_id);
    if (memberIds.length > 0) {
      await tx.execute(sql`
        update members set delivery_state = 'interrupted', delivery_detail = ${INTERRUPTED}
        where id = any(${sql.param(memberIds)}::bigint[])`);
    }
    await finishCompletedRounds(tx, now);
    return interrupted.length;
  });
}
