import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { queryRows } from '../../src/db/rows.ts';
import { GOOD_PASSWORD } from '../factories.ts';
import { databaseEnv, restartAndFollowRound, startSendAllOnDemoPortal } from '../portalClient.ts';
import { type SmtpSink, startSmtpSink } from '../smtpSink.ts';

/**
 * Issue 10 item 4: SIGTERM in the middle of a Send All. The worker finishes the messages it is handing
 * over, puts back what it had only claimed, and exits; after a restart everyone gets exactly one email
 * and nothing is left interrupted.
 */
const MEMBERS = 60;

describe('a worker stopped with SIGTERM mid-round', { timeout: 180_000 }, () => {
  let sink: SmtpSink;
  const sinkOptions = { dataDelayMs: 2000 };
  let db: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    sink = await startSmtpSink(sinkOptions);
    db = await databaseEnv();
  });
  afterAll(async () => {
    await sink.close();
    await db.drop();
  });

  it('finishes what it hands over, releases the rest, and nothing is lost or sent twice', async () => {
    // A slow server (2 s a message, 4 at a time): the round outlasts pg-boss's own graceful wait (10 s).
    const env = { ...db.env, SMTP_URL: sink.url, SMTP_POOL_SIZE: '2', GATEHOUSE_PASSWORD: GOOD_PASSWORD };
    const { server: first, progressPath, pending } = await startSendAllOnDemoPortal(env, MEMBERS);
    await sink.waitForMessages(8, 60_000);
    const t0 = Date.now();
    await first.stop(); // SIGTERM
    expect(first.child.exitCode).toBe(0);
    // One group in flight at most (2 s), not the whole round.
    expect(Date.now() - t0).toBeLessThan(8_000);
    const atStop = sink.messages.length;
    expect(atStop).toBeLessThan(pending);

    // Between the two processes: nothing held, nothing undecided.
    const app = await createApp(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      const states = await queryRows(
        app.deps.db,
        sql`select state, count(*) as n from email_messages where kind = 'invitation' group by state`,
        { state: 'text', n: 'number' },
      );
      const count = (state: string) => states.find((s) => s.state === state)?.n ?? 0;
      expect(count('claimed')).toBe(0);
      expect(count('sending')).toBe(0);
      expect(count('interrupted')).toBe(0);
      expect(count('sent')).toBe(atStop);
      expect(count('queued')).toBe(pending - atStop);
      // The invitations made for released messages never left: revoked, so only one link per member works.
      const [live] = await queryRows(
        app.deps.db,
        sql`select count(*) as n from invitations where revoked_at is null and used_at is null`,
        { n: 'number' },
      );
      expect(live?.n).toBe(atStop);
    } finally {
      await app.close();
    }

    sinkOptions.dataDelayMs = 20; // the rest quickly
    const progress = await restartAndFollowRound(env, progressPath, 500);
    expect(progress).toContain('Finished');
    expect(sink.messages).toHaveLength(pending);
    expect(Math.max(...sink.byRecipient().values())).toBe(1);
  });
});
