import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { requeueClaimed } from './deliveryLease.ts';
import { finishCompletedRounds } from './recordOutcome.ts';

const INTERRUPTED =
  'The worker stopped while this message was being sent, so it may or may not have arrived. ' +
  'It was not sent again, so that nobody gets two copies; the next round includes the member.';
// After an ambiguous disconnect (decision 0014) an earlier copy may have arrived too: say so, not "one copy".
const INTERRUPTED_AFTER_MAYBE =
  'The worker stopped while this message was being sent again, so it may or may not have arrived; an ' +
  'earlier copy may also have arrived, so the member may have two copies. Both links work until they ' +
  'create a login. It was not sent a third time.';

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
    const [interrupted] = await queryRows(
      tx,
      sql`
        with interrupted as (
          update email_messages set state = 'interrupted', next_attempt_at = null, updated_at = ${now},
            last_error = case when may_have_arrived then ${INTERRUPTED_AFTER_MAYBE} else ${INTERRUPTED} end
          where state = 'sending' and ${abandoned}
          returning member_id, kind, last_error
        ), member as (
          update members m set delivery_state = 'interrupted', delivery_detail = i.last_error
          from interrupted i where i.kind = 'invitation' and m.id = i.member_id
          returning m.id
        )
        select count(*) as n from interrupted`,
      { n: 'number' },
    );
    await finishCompletedRounds(tx, now);
    return interrupted!.n;
  });
}
