import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Mailer, SendOutcome } from '../../email/mailer.ts';
import type { Deps } from '../deps.ts';
import type { EffectiveSettings } from '../settings/organisationSettings.ts';
import type { DeliveryState } from '../vocabulary.ts';
import { type ClaimedMessage, claimDueBatch } from './claimDueMessages.ts';
import {
  keepLeaseAlive,
  markHandedOver,
  newLeaseToken,
  releaseClaimed,
  renewalWhenDue,
} from './deliveryLease.ts';
import { interruptAbandonedSends } from './interruptAbandonedSends.ts';
import { type Delivery, finishCompletedRounds, recordOutcomes, settleAndHandOver } from './recordOutcome.ts';
import { batchRenderer, type PreparedEmail } from './renderMessage.ts';
import { waitForSmtpSlot } from './smtpPace.ts';
import { storedCopy } from './storedCopy.ts';

const BATCH_SIZE = 50;
// Messages of one hand-over group per SMTP connection. Each group costs a statement and waits for its
// slowest answer, so groups of one message per connection left the worker waiting on the database; five
// deliver 20-40 % more per second (docs/benchmarks.md, issue 15), at the price of a larger group in flight
// at a crash (decision 0005).
const MESSAGES_PER_CONNECTION = 5;

/**
 * How many messages are marked `sending` and handed over together: five per SMTP connection, at most a
 * batch. Rate-limited delivery hands messages over one by one anyway and keeps a pool's worth in flight.
 */
export const handOverGroupSize = (smtpPoolSize: number, paced: boolean) =>
  paced ? smtpPoolSize : Math.min(BATCH_SIZE, smtpPoolSize * MESSAGES_PER_CONNECTION);

/**
 * Sends every message that is due, batch after batch, until none is left. Within a batch, messages go
 * out in hand-over groups (handOverGroupSize): a group is marked `sending` right before it is handed to
 * the mail server and written back as soon as the server has answered for all of it — in the same
 * statement that marks the next group, so a group costs one round trip to the database. A crash therefore
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
  const tally = { delivered: 0, failed: 0, retrying: false };
  const stopping = opts.stopping;
  await interruptAbandonedSends(deps);
  const token = newLeaseToken();
  const renewal = renewalWhenDue(deps, token);
  const stopRenewing = keepLeaseAlive(deps, token, opts.onLeaseError ?? (() => {}));
  const claim = () => claimDueBatch(deps, BATCH_SIZE, token);
  let lookAhead: ReturnType<typeof claim> | null = null;
  try {
    while (!stopping?.aborted) {
      let batch = await (lookAhead ?? claim());
      // The look-ahead claim was made while the last batch was still being sent: it may have come too early.
      if (batch.messages.length === 0 && lookAhead) batch = await claim();
      lookAhead = null;
      if (batch.messages.length === 0) break;
      renewal.claimed();
      // The next batch is claimed (a transaction of several statements) while this one is sent. Claimed
      // is not handed over: a crash puts it back in the queue, a stop releases it below.
      lookAhead = claim();
      lookAhead.catch(() => {}); // its failure surfaces where it is awaited
      tally.retrying = false;
      await deliverBatch(deps, mailer, token, batch, { renewal, stopping, tally });
      if (stopping?.aborted) {
        await lookAhead.catch(() => {});
        await releaseClaimed(deps, token);
      }
      await finishCompletedRounds(deps.db, deps.clock.now());
      if (tally.retrying) await deps.jobs.emailDue({ at: await nextRetryAt(deps) });
    }
  } finally {
    stopRenewing();
  }
  return { delivered: tally.delivered, failed: tally.failed };
}

type Tally = { delivered: number; failed: number; retrying: boolean };

/**
 * One claimed batch, group by group. Without a rate limit each group costs one statement: it writes back
 * the answers of the group before it and marks this one `sending` (settleAndHandOver).
 */
async function deliverBatch(
  deps: Deps,
  mailer: Mailer,
  token: string,
  { messages: batch, settings }: { messages: ClaimedMessage[]; settings: EffectiveSettings },
  run: { renewal: ReturnType<typeof renewalWhenDue>; stopping?: AbortSignal; tally: Tally },
): Promise<void> {
  const { stopping, tally } = run;
  const count = (states: (DeliveryState | null)[]) => {
    tally.delivered += states.filter((s) => s === 'sent' || s === 'logged').length;
    tally.failed += states.filter((s) => s === 'failed').length;
    tally.retrying ||= states.includes('deferred');
  };
  // Only real deliveries count against the mail provider's limit; 0 = no limit, and no pace to take.
  const paced = mailer.delivers && deps.config.smtpRateLimit > 0;
  const render = batchRenderer(deps, settings);
  const rendered = new Map(batch.map((m) => [m, render(m)]));
  const stored = (m: ClaimedMessage) => {
    const { email, secrets } = rendered.get(m)!;
    return storedCopy(email, secrets, mailer.delivers);
  };
  // Answered but not yet written: recorded in the statement that hands over the next group.
  let answered: Delivery[] = [];
  const groupSize = handOverGroupSize(deps.config.smtpPoolSize, paced);
  for (let start = 0; start < batch.length && !stopping?.aborted; start += groupSize) {
    await run.renewal.beforeGroup();
    const slice = batch.slice(start, start + groupSize);
    const { group, outcomes } = paced
      ? await handOverPaced(deps, mailer, token, slice, rendered, stopping)
      : await handOverAtOnce(deps, mailer, token, slice, rendered, answered, count);
    answered = group.map((message, i) => ({ message, outcome: outcomes[i]!, stored: stored(message) }));
    // Paced messages leave one by one anyway: their answers are written at once, group by group.
    if (paced && answered.length > 0) count(await recordOutcomes(deps, answered.splice(0), token));
  }
  if (answered.length > 0) count(await recordOutcomes(deps, answered, token));
}

type HandedOver = { group: ClaimedMessage[]; outcomes: SendOutcome[] };

/**
 * No rate limit: the whole group is marked `sending` in one statement, together with writing back the
 * answers of the group before it, and handed over at once. Only the messages still claimed under this
 * run's token are sent: a sweep may have taken some over (this run looked dead).
 */
async function handOverAtOnce(
  deps: Deps,
  mailer: Mailer,
  token: string,
  slice: ClaimedMessage[],
  rendered: Map<ClaimedMessage, PreparedEmail>,
  answered: Delivery[],
  count: (states: (DeliveryState | null)[]) => void,
): Promise<HandedOver> {
  let group: ClaimedMessage[];
  if (answered.length === 0) group = await markHandedOver(deps, token, slice);
  else {
    const settled = await settleAndHandOver(deps, answered, token, slice);
    count(settled.states);
    group = settled.handedOver;
  }
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
