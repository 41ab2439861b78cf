import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Mailer, SendOutcome } from '../../email/mailer.ts';
import type { Deps } from '../deps.ts';
import { readSettings } from '../settings/organisationSettings.ts';
import { type ClaimedMessage, claimDueMessages } from './claimDueMessages.ts';
import {
  keepLeaseAlive,
  markHandedOver,
  newLeaseToken,
  releaseClaimed,
  renewLease,
} from './deliveryLease.ts';
import { interruptAbandonedSends } from './interruptAbandonedSends.ts';
import { finishCompletedRounds, recordOutcomes } from './recordOutcome.ts';
import { type PreparedEmail, renderMessage } from './renderMessage.ts';
import { waitForSmtpSlot } from './smtpPace.ts';
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
 *
 * With SMTP_RATE_LIMIT, each message of a group first waits for its portal-wide slot (smtpPace) and only
 * then is marked `sending` and handed over, one after another, without waiting for the previous answer:
 * the pool stays busy, and a crash during a wait leaves nothing undecided that never reached the server.
 */
export async function deliverDueEmail(
  deps: Deps,
  mailer: Mailer,
  opts: { stopping?: AbortSignal; onLeaseError?: (err: unknown) => void } = {},
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  const stopping = opts.stopping;
  // Only real deliveries count against the mail provider's limit; 0 = no limit, and no pace to take.
  const paced = mailer.delivers && deps.config.smtpRateLimit > 0;
  await interruptAbandonedSends(deps);
  const token = newLeaseToken();
  const stopRenewing = keepLeaseAlive(deps, token, opts.onLeaseError ?? (() => {}));
  try {
    while (!stopping?.aborted) {
      const batch = await claimDueMessages(deps, BATCH_SIZE, token);
      if (batch.length === 0) break;
      // Per batch, not per process: a change saved in Organisation settings applies from the next batch.
      const settings = await readSettings(deps);
      let retrying = false;
      for (let start = 0; start < batch.length && !stopping?.aborted; start += deps.config.smtpPoolSize) {
        await renewLease(deps, token);
        const slice = batch.slice(start, start + deps.config.smtpPoolSize);
        const rendered = new Map(slice.map((m) => [m, renderMessage(deps, m, settings)]));
        const { group, outcomes } = paced
          ? await handOverPaced(deps, mailer, token, slice, rendered, stopping)
          : await handOverAtOnce(deps, mailer, token, slice, rendered);
        if (group.length === 0) continue;
        const prepared = group.map((m) => rendered.get(m)!);
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

type HandedOver = { group: ClaimedMessage[]; outcomes: SendOutcome[] };

/**
 * No rate limit: the whole group is marked `sending` in one statement and handed over at once. Only the
 * messages still claimed under this run's token are sent: a sweep may have taken some over (this run
 * looked dead).
 */
async function handOverAtOnce(
  deps: Deps,
  mailer: Mailer,
  token: string,
  slice: ClaimedMessage[],
  rendered: Map<ClaimedMessage, PreparedEmail>,
): Promise<HandedOver> {
  const group = await markHandedOver(deps, token, slice);
  const outcomes = await Promise.all(group.map((m) => mailer.send(rendered.get(m)!.email)));
  return { group, outcomes };
}

/**
 * Rate limited: message by message, wait for the slot, then mark it `sending` and hand it over. The
 * wait comes before the mark, so however long it is, a crash or a stop during it leaves the message
 * `claimed` (put back in the queue), never `sending` (given up as interrupted). Answers are awaited
 * together at the end, so up to a pool's worth of messages are with the server at once.
 */
async function handOverPaced(
  deps: Deps,
  mailer: Mailer,
  token: string,
  slice: ClaimedMessage[],
  rendered: Map<ClaimedMessage, PreparedEmail>,
  stopping: AbortSignal | undefined,
): Promise<HandedOver> {
  const group: ClaimedMessage[] = [];
  const sending: Promise<SendOutcome>[] = [];
  for (const message of slice) {
    if (!(await waitForSmtpSlot(deps.db, deps.config.smtpRateLimit, stopping))) break;
    const [mine] = await markHandedOver(deps, token, [message]);
    if (!mine) continue;
    group.push(mine);
    sending.push(mailer.send(rendered.get(mine)!.email));
  }
  return { group, outcomes: await Promise.all(sending) };
}

/** When the soonest retry is due, so a job can wake a worker for it. */
async function nextRetryAt(deps: Deps): Promise<Date | undefined> {
  const [row] = await queryRows(
    deps.db,
    sql`select min(next_attempt_at) as at from email_messages where state = 'deferred'`,
    { at: 'date?' },
  );
  return row!.at ?? undefined;
}
