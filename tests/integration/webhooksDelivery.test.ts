import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookAttempts, webhookDeliveries } from '../../src/db/schema.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { claimDueWebhooks } from '../../src/domain/webhooks/claimDueWebhooks.ts';
import { createWebhookEndpoint } from '../../src/domain/webhooks/createWebhookEndpoint.ts';
import { deliverDueWebhooks } from '../../src/domain/webhooks/deliverDueWebhooks.ts';
import { interruptAbandonedWebhooks } from '../../src/domain/webhooks/interruptAbandonedWebhooks.ts';
import { SNIPPET_BYTES } from '../../src/domain/webhooks/postWebhook.ts';
import { purgeOldWebhookDeliveries } from '../../src/domain/webhooks/purgeOldWebhookDeliveries.ts';
import { WEBHOOK_RETRY_DELAYS_MS } from '../../src/domain/webhooks/recordWebhookAttempt.ts';
import { retryWebhookDelivery } from '../../src/domain/webhooks/retryWebhookDelivery.ts';
import { sendTestWebhook } from '../../src/domain/webhooks/sendTestWebhook.ts';
import { createWebhookEndpointInput } from '../../src/domain/webhooks/webhookInput.ts';
import { useTestApp } from '../harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooksReceiver.ts';

/** The worker's side: back-off on an injected clock, timeouts, redirects, and at most once per event. */
const app = useTestApp();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

const operator = systemActor('test');
async function testEvent() {
  receiver.received.length = 0;
  receiver.state.answer = { status: 200, delayMs: 0, hang: false, body: 'ok' };
  const hook = await createWebhookEndpoint(app.deps, operator, {
    url: receiver.url,
    description: '',
    events: ['member.login_created'],
  });
  receiver.state.secret = hook.secret;
  const { deliveryId } = await sendTestWebhook(app.deps, operator, { endpointId: hook.id });
  return { endpointId: hook.id, deliveryId };
}
const delivery = async () => (await app.deps.db.select().from(webhookDeliveries))[0]!;
const attempts = () => app.deps.db.select().from(webhookAttempts).orderBy(webhookAttempts.id);

describe('webhook delivery', () => {
  it('retries non-2xx answers after 1, 5, 30, 120 and 480 minutes, then fails', async () => {
    await testEvent();
    receiver.state.answer = { status: 503, delayMs: 0, hang: false, body: 'x'.repeat(5000) };
    await deliverDueWebhooks(app.deps);
    for (const wait of WEBHOOK_RETRY_DELAYS_MS) {
      expect(await delivery()).toMatchObject({ state: 'deferred' });
      expect((await delivery()).nextAttemptAt).toEqual(new Date(app.clock.now().getTime() + wait));
      app.clock.advance(wait - 1000);
      await deliverDueWebhooks(app.deps); // not due yet
      app.clock.advance(1000);
      await deliverDueWebhooks(app.deps);
    }
    expect(await delivery()).toMatchObject({ state: 'failed', attempts: 6 });
    expect((await delivery()).lastError).toBe('The receiver answered 503.');
    const tries = await attempts();
    expect(tries.map((t) => t.statusCode)).toEqual([503, 503, 503, 503, 503, 503]);
    expect(tries[0]!.responseSnippet).toHaveLength(SNIPPET_BYTES);
    expect(receiver.countsById().size).toBe(1);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });

  it('gives up on a silent receiver after the timeout, and never follows a redirect', async () => {
    await testEvent();
    receiver.state.answer = { status: 200, delayMs: 0, hang: true, body: '' };
    await deliverDueWebhooks(app.deps, { timeoutMs: 300 });
    expect(await delivery()).toMatchObject({ state: 'deferred', lastError: 'No answer within 0.3 s.' });
    receiver.state.answer = { status: 307, delayMs: 0, hang: false, body: 'moved' };
    app.clock.advance(WEBHOOK_RETRY_DELAYS_MS[0]!);
    await deliverDueWebhooks(app.deps);
    expect(await delivery()).toMatchObject({ state: 'deferred', attempts: 2 });
    expect((await delivery()).lastError).toContain('redirects are not followed');
    expect(receiver.received).toHaveLength(2);
  });

  it('a delivery handed over when its worker died is interrupted, not resent, until someone retries', async () => {
    const { endpointId, deliveryId } = await testEvent();
    // A worker took it into `sending` and died before any answer was recorded.
    expect(await claimDueWebhooks(app.deps, 'dead-worker', 8)).toHaveLength(1);
    app.clock.advance(app.config.deliveryLeaseMs + 1);
    expect(await interruptAbandonedWebhooks(app.deps)).toBe(1);
    expect(await delivery()).toMatchObject({ state: 'interrupted' });
    await deliverDueWebhooks(app.deps);
    expect(receiver.received).toHaveLength(0);

    await retryWebhookDelivery(app.deps, operator, { endpointId, deliveryId });
    await deliverDueWebhooks(app.deps);
    expect(await delivery()).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    await expect(retryWebhookDelivery(app.deps, operator, { endpointId, deliveryId })).rejects.toThrow(
      'nothing to retry',
    );
  });

  it('keeps settled deliveries and their attempts for 30 days', async () => {
    await testEvent();
    await deliverDueWebhooks(app.deps);
    app.clock.advance(30 * 86_400_000);
    await purgeOldWebhookDeliveries(app.deps);
    expect(await attempts()).toHaveLength(1);
    app.clock.advance(1000);
    await purgeOldWebhookDeliveries(app.deps);
    expect(await app.deps.db.select().from(webhookDeliveries)).toEqual([]);
    expect(await attempts()).toEqual([]);
  });

  it('refuses receivers that are not http(s) and endpoints without events', () => {
    const parsed = createWebhookEndpointInput.safeParse({ url: 'file:///etc/passwd', loginCreated: 'on' });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['url', 'Enter a web address starting with https:// (or http://).'],
    ]);
    const none = createWebhookEndpointInput.safeParse({ url: 'https://db.example.org/hooks' });
    expect(none.error?.issues.map((i) => i.path.join('.'))).toEqual(['events']);
    expect(
      createWebhookEndpointInput.parse({
        url: ' https://db.example.org/h ',
        roundFinished: 'on',
        deliveryFailed: '1',
      }),
    ).toEqual({
      url: 'https://db.example.org/h',
      description: '',
      events: ['invitation.delivery_failed', 'invitation_round.finished'],
    });
  });
});
