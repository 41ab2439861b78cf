import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { webhookDeliveries } from '../../src/db/schema.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { createWebhookEndpoint } from '../../src/domain/webhooks/createWebhookEndpoint.ts';
import { sendTestWebhook } from '../../src/domain/webhooks/sendTestWebhook.ts';
import { startServer } from '../cliProcess.ts';
import { databaseEnv } from '../portalClient.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooksReceiver.ts';

/**
 * At most once under a real crash: the portal process (web server + worker) is killed with SIGKILL
 * while the receiver is holding its answers, then started again. Counted at a real HTTP receiver that
 * verifies every signature: no event reaches it twice; the ones in flight at the kill are interrupted
 * (shown, with Retry), every other one is delivered.
 */
const EVENTS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhooks survive a killed worker', { timeout: 300_000 }, () => {
  let receiver: WebhookReceiver;
  let db: Awaited<ReturnType<typeof databaseEnv>>;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    db = await databaseEnv();
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  // With the embedded database nobody else may hold DATA_DIR: the portal is not running while this does.
  async function withApp<T>(
    env: Record<string, string>,
    work: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>,
  ) {
    const app = await createApp(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  }

  it('never delivers an event twice and loses only the deliveries in flight', async () => {
    const env = { ...db.env, DELIVERY_LEASE_SECONDS: '2' };
    await withApp(env, async (app) => {
      const operator = systemActor('test');
      const hook = await createWebhookEndpoint(app.deps, operator, {
        url: receiver.url,
        description: 'crash test',
        events: ['member.login_created'],
      });
      receiver.state.secret = hook.secret;
      for (let i = 0; i < EVENTS; i++) await sendTestWebhook(app.deps, operator, { endpointId: hook.id });
    });
    // Slow answers, so that the kill lands while a batch is out.
    receiver.state.answer = { status: 204, delayMs: 400, hang: false, body: '' };
    const first = await startServer(env);
    for (let i = 0; i < 600 && receiver.received.length < 12; i++) await sleep(50);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const atKill = receiver.received.length;
    expect(atKill).toBeLessThan(EVENTS);

    receiver.state.answer = { status: 200, delayMs: 0, hang: false, body: 'ok' };
    const second = await startServer(env);
    // Until nothing new has arrived for 6 s (three polls of the worker).
    let seen = -1;
    for (let quiet = 0; quiet < 6; quiet = receiver.received.length === seen ? quiet + 1 : 0) {
      seen = receiver.received.length;
      await sleep(1000);
    }
    await second.stop();

    const counts = [...receiver.countsById().values()];
    expect(Math.max(...counts)).toBe(1);
    expect(receiver.received.every((r) => r.verified && r.verifiedByLibrary === true)).toBe(true);
    const rows = await withApp(env, (app) => app.deps.db.select().from(webhookDeliveries));
    const interrupted = rows.filter((r) => r.state === 'interrupted');
    const delivered = rows.filter((r) => r.state === 'delivered');
    console.info(
      `webhooks kill-and-restart: ${atKill} of ${EVENTS} received before the kill, ${interrupted.length} interrupted`,
    );
    expect(delivered.length + interrupted.length).toBe(EVENTS);
    // In flight at the kill: at most one batch (8) of the one worker.
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.length).toBeLessThanOrEqual(8);
    // Every delivered event reached the receiver exactly once; an interrupted one at most once.
    const got = receiver.countsById();
    expect(delivered.filter((r) => got.get(r.eventId) !== 1)).toEqual([]);
    expect(receiver.received.length).toBeLessThanOrEqual(EVENTS);
  });
});
