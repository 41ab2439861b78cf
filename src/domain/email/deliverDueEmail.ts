import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/connect.ts';
import type { Mailer } from '../../email/mailer.ts';
import type { Deps } from '../deps.ts';
import { claimDueMessages } from './claimDueMessages.ts';
import {
  keepLeaseAlive,
  markHandedOver,
  newLeaseToken,
  releaseClaimed,
  renewLease,
} from './deliveryLease.ts';
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
 * of the batch is queued again (see interruptAbandonedSends). The run's lease is renewed while it works
 * and every write is fenced on it (deliveryLease), so a slow mail server cannot make two workers send the
 * same message. When `stopping` is aborted (SIGTERM), the group being handed over is finished and the
 * rest of what this run claimed is released to the queue.
 */
export async function deliverDueEmail(
  deps: Deps,
  mailer: Mailer,
  opts: { stopping?: AbortSignal; onLeaseError?: (err: unknown) => void } = {},
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  const stopping = opts.stopping;
  await interruptAbandonedSends(deps);
  const token = newLeaseToken();
  const stopRenewing = keepLeaseAlive(deps, token, opts.onLeaseError ?? (() => {}));
  try {
    while (!stopping?.aborted) {
      const batch = await claimDueMessages(deps, BATCH_SIZE, token);
      if (batch.length === 0) break;
      let retrying = false;
      for (let start = 0; start < batch.length && !stopping?.aborted; start += deps.config.smtpPoolSize) {
        await renewLease(deps, token);
        const slice = batch.slice(start, start + deps.config.smtpPoolSize);
        const rendered = new Map(slice.map((m) => [m, renderMessage(deps, m)]));
        // A sweep may have taken some of the batch over (this run looked dead): those are not ours to send.
        const group = await markHandedOver(deps, token, slice);
        if (group.length === 0) continue;
        const prepared = group.map((m) => rendered.get(m)!);
        const outcomes = await Promise.all(prepared.map((p) => mailer.send(p.email)));
        const states = await recordOutcomes(
          deps,
          group.map((message, i) => ({
            message,
            outcome: outcomes[i]!,
            stored: storedCopy(prepared[i]!.email, prepared[i]!.secrets, mailer.delivers),
          })),
          token,
        );
        delivered += states.filter((s) => s === 'sent' || s === 'logged').length;
        failed += states.filter((s) => s === 'failed').length;
        retrying ||= states.includes('deferred');
      }
      if (stopping?.aborted) await releaseClaimed(deps, token);
      await finishCompletedRounds(deps.db, deps.clock.now());
      if (retrying) await deps.jobs.emailDue({ at: await nextRetryAt(deps) });
    }
  } finally {
    stopRenewing();
  }
  return { delivered, failed };
}

/** When the soonest retry is due, so a job can wake a worker for it. */
async function nextRetryAt(deps: Deps): Promise<Date | undefined> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    deps.db,
    sql`select min(next_attempt_at) as at from email_messages where state = 'deferred'`,
  );
  return row?.at ? new Date(row.at) : undefined;
}
