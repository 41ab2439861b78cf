import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handOverGroupSize } from '../../src/domain/email/deliverDueEmail.ts';
import { GOOD_PASSWORD } from '../factories.ts';
import { databaseEnv, restartAndFollowRound, startSendAllOnDemoPortal } from '../portalClient.ts';
import { type SmtpSink, startSmtpSink } from '../smtpSink.ts';

/**
 * The promise of Send All under a real crash: the portal process is killed (SIGKILL) half-way through
 * delivery and started again. Counted at a real SMTP server: nobody gets two emails, and everybody gets
 * one except at most the handful whose message was in flight at the moment of the kill.
 */
const MEMBERS = 300;

describe('Send All survives a killed process', { timeout: 180_000 }, () => {
  let sink: SmtpSink;
  let db: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    // Slow enough acceptance that the kill lands mid-round.
    sink = await startSmtpSink({ dataDelayMs: 15 });
    db = await databaseEnv();
  });
  afterAll(async () => {
    await sink.close();
    await db.drop();
  });

  it('never emails a member twice and loses only the messages in flight', async () => {
    const env = {
      ...db.env,
      SMTP_URL: sink.url,
      DELIVERY_LEASE_SECONDS: '2',
      GATEHOUSE_PASSWORD: GOOD_PASSWORD,
    };
    const { server: first, progressPath, pending } = await startSendAllOnDemoPortal(env, MEMBERS);
    // Killed after a quarter: each of the 2 lanes has at most one hand-over group claimed and unanswered,
    // so at least `pending - atKill - 2 groups` messages are still queued for the restarted process. Killed
    // at half of 100, both remaining groups could already be in flight and nothing left to resume.
    const group = handOverGroupSize(5, false);
    await sink.waitForMessages(Math.floor(pending / 4), 60_000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const atKill = sink.messages.length;
    expect(atKill).toBeLessThan(pending - 2 * group);

    const progress = await restartAndFollowRound(env, progressPath, 1000);
    expect(progress).toContain('Finished');
    const perRecipient = [...sink.byRecipient().values()];
    expect(Math.max(...perRecipient)).toBe(1);
    const lost = pending - sink.messages.length;
    console.info(
      `kill-and-resume: ${atKill} of ${pending} delivered before the kill, ${lost} in flight and interrupted`,
    );
    expect(lost).toBeGreaterThanOrEqual(0);
    // In flight at the kill: at most one hand-over group (the default pool of 5 connections) per lane (2 lanes).
    expect(lost).toBeLessThanOrEqual(2 * group);
    expect(sink.messages.length).toBeGreaterThan(atKill);
  });
});
