import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { emailMessages } from '../../src/db/schema.ts';
import { claimDueBatch } from '../../src/domain/email/claimDueMessages.ts';
import { deliverDueEmail, handOverGroupSize } from '../../src/domain/email/deliverDueEmail.ts';
import { newLeaseToken, renewLease } from '../../src/domain/email/deliveryLease.ts';
import { interruptAbandonedSends } from '../../src/domain/email/interruptAbandonedSends.ts';
import { startSendAll } from '../../src/domain/invitations/queueInvitations.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { useSmtpSink } from '../smtpSink.ts';

/**
 * Issue 10 item 1: a batch that outlives its lease. A slow mail server keeps worker A busy; meanwhile a
 * sweep (here: worker B starting) finds A's lease run out. Counted at a real SMTP server, nobody may get
 * two copies, and a message A is still handing over must not be given up while A is alive.
 */
const app = useTestApp({ DELIVERY_LEASE_SECONDS: '2', SMTP_POOL_SIZE: '2' });
const smtp = useSmtpSink({ SMTP_POOL_SIZE: '2' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

async function sendAllTo(count: number, tag: string) {
  const members = [];
  for (let i = 0; i < count; i++) members.push(await buildMember(app, { email: `${tag}${i}@example.org` }));
  await startSendAll(app.deps, (await buildLogin(app, { role: 'admin' })).actor);
  return members;
}

const duplicates = () => [...smtp.sink.byRecipient()].filter(([, n]) => n > 1).map(([to]) => to);

describe('a batch that outlives its lease', () => {
  it('is fenced: a worker whose lease was taken over sends nothing more (0 duplicates)', async () => {
    // A's first hand-over group and four more, which only B can send once it has taken A's batch over.
    const group = handOverGroupSize(app.config.smtpPoolSize, false);
    const members = await sendAllTo(group + 4, 'fenced');
    smtp.sink.respondTo.set('fenced0@example.org', { delayMs: 600 });
    const sending = async () =>
      (await app.deps.db.select().from(emailMessages).where(eq(emailMessages.state, 'sending'))).length > 0;
    // A 60 s lease: its renewal timer (every 20 s of real time) never fires during this test, so the only
    // renewals are A's own writes, at the injected clock's time.
    const deps = { ...app.deps, config: { ...app.config, deliveryLeaseMs: 60_000 } };
    const workerA = deliverDueEmail(deps, smtp.mailer);
    await until(sending);
    // Worker A is stuck on its first group far past its lease (as seen by the injected clock)…
    app.clock.advance(120_000);
    // …so worker B's start-up sweep takes its batch over and sends the rest.
    const workerB = await deliverDueEmail(deps, smtp.mailer);
    expect(workerB.delivered).toBe(4); // B did take A's batch over (all but A's group in flight)
    await workerA;
    expect(duplicates()).toEqual([]);
    const received = smtp.sink.byRecipient();
    for (const m of members.slice(group)) expect(received.get(m.email!)).toBe(1);
    // A finished its group after all: the truth replaces the sweep's "interrupted".
    const states = await app.deps.db.select({ state: emailMessages.state }).from(emailMessages);
    expect(states.map((s) => s.state).filter((s) => s !== 'sent')).toEqual([]);
    smtp.sink.respondTo.delete('fenced0@example.org');
  });

  it('keeps the lease alive while its holder works, so a slow server interrupts nothing', async () => {
    const members = await sendAllTo(5, 'slow');
    for (const m of members) smtp.sink.respondTo.set(m.email!, { delayMs: 2500 });
    // Real time here: the lease (2 s) runs out during every group unless the holder renews it.
    const live = { ...app.deps, clock: systemClock };
    let done = false;
    const workerA = deliverDueEmail(live, smtp.mailer).finally(() => {
      done = true;
    });
    let interrupted = 0;
    while (!done) {
      interrupted += await interruptAbandonedSends(live);
      await sleep(100);
    }
    await workerA;
    expect(interrupted).toBe(0);
    expect(duplicates()).toEqual([]);
    for (const m of members) expect(smtp.sink.byRecipient().get(m.email!)).toBe(1);
    for (const m of members) smtp.sink.respondTo.delete(m.email!);
  });
});

// Found by a Send All to 1,000,000 members: the lease's timer renewal and the run's own statement that
// settles a group and hands over the next locked the same rows in different orders. PostgreSQL broke the
// deadlock by failing the run's statement, and the answers for its group were lost: 25 members a time
// marked interrupted five minutes later. PGlite has one connection, so only PostgreSQL can deadlock.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the lease renewal', () => {
  it('never waits for a message another statement holds, so it cannot deadlock with the run', async () => {
    await sendAllTo(3, 'renewed');
    const token = newLeaseToken();
    const { messages } = await claimDueBatch(app.deps, 10, token);
    expect(messages).toHaveLength(3);
    const [held, ...free] = messages.map((m) => m.id);
    const deadlines = async () =>
      new Map(
        (await app.deps.db.select().from(emailMessages)).map((m) => [m.id, m.nextAttemptAt?.getTime()]),
      );
    const before = await deadlines();
    app.clock.advance(1000);
    let release = () => {};
    let holding = () => {};
    const isHeld = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // Another statement (the run's own hand-over, say) holds one of the run's messages meanwhile.
    const holder = app.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select id from email_messages where id = ${held} for update`);
      holding();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await isHeld;
    const renewed = await Promise.race([
      renewLease(app.deps, token).then(() => true),
      sleep(3000).then(() => false),
    ]);
    release();
    await holder;
    expect(renewed).toBe(true);
    const after = await deadlines();
    for (const id of free) expect(after.get(id)).toBe(before.get(id)! + 1000);
    expect(after.get(held!)).toBe(before.get(held!)); // skipped: its holder writes it anyway
  });
});
