import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import type { Mailer } from '../../email/mailer.ts';
import type { Deps } from '../deps.ts';
import { type ClaimedMessage, claimDueMessages } from './claimDueMessages.ts';
import { interruptAbandonedSends } from './interruptAbandonedSends.ts';
import { finishCompletedRounds, recordOutcomes } from './recordOutcome.ts';
import { renderMessage } from './renderMessage.ts';
import { storedCopy } from './storedCopy.ts';

const BATCH_SIZE = 50;

/**
 * Sends every message that is due, batch after batch, until none is left. Within a batch, messages go
 * out in groups as large as the SMTP pool: a group is marked `sending` right before it is handed to the
 * mail server and written back as soon as the server has answered for all of it. A crash therefore
 * leaves only the group in flight undecided — given up as interrupted, never sent twice — and the rest
 * of the batch is queued again (see interruptAbandonedSends).
 */
export async function deliverDueEmail(
  deps: Deps,
  mailer: Mailer,
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  await interruptAbandonedSends(deps);
  for (;;) {
    const batch = await claimDueMessages(deps, BATCH_SIZE);
    if (batch.length === 0) break;
    let retrying = false;
    for (let start = 0; start < batch.length; start += deps.config.smtpPoolSize) {
      const group = batch.slice(start, start + deps.config.smtpPoolSize);
      const prepared = group.map((m) => renderMessage(deps, m));
      await markHandedOver(deps, group);
      const outcomes = await Promise.all(prepared.map((p) => mailer.send(p.email)));
      const states = await recordOutcomes(
        deps.db,
        group.map((message, i) => ({
          message,
          outcome: outcomes[i]!,
          stored: storedCopy(prepared[i]!.email, prepared[i]!.secrets, mailer.delivers),
        })),
        deps.clock.now(),
      );
      delivered += states.filter((s) => s === 'sent' || s === 'logged').length;
      failed += states.filter((s) => s === 'failed').length;
      retrying ||= states.includes('deferred');
    }
    await finishCompletedRounds(deps.db, deps.clock.now());
    if (retrying) await deps.jobs.emailDue({ at: await nextRetryAt(deps) });
  }
  return { delivered, failed };
}

/** From here on a crash leaves these messages undecided (they may have arrived): never resent. */
async function markHandedOver(deps: Deps, group: ClaimedMessage[]): Promise<void> {
  for (const m of group) m.attempts += 1;
  await deps.db.execute(sql`
    update email_messages set state = 'sending', attempts = attempts + 1, updated_at = ${deps.clock.now()}
    where id = any(${sql.param(group.map((m) => m.id))}::bigint[])`);
}

/** When the soonest retry is due, so a job can wake a worker for it. */
async function nextRetryAt(deps: Deps): Promise<Date | undefined> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    deps.db,
    sql`select min(next_attempt_at) as at from email_messages where state = 'deferred'`,
  );
  return row?.at ? new Date(row.at) : undefined;
}
