import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { emailMessages } from '../../src/db/schema.ts';
import { deliverDueEmail, handOverGroupSize } from '../../src/domain/email/deliverDueEmail.ts';
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
