import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookAttempts, webhookDeliveries } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { acceptInvitation } from '../../src/domain/invitations/acceptInvitation.ts';
import { sendInvitation, startSendAll } from '../../src/domain/invitations/queueInvitations.ts';
import { systemActor } from '../../src/domain/policy.ts';
import { changeWebhookEndpoint } from '../../src/domain/webhooks/changeWebhookEndpoint.ts';
import { createWebhookEndpoint } from '../../src/domain/webhooks/createWebhookEndpoint.ts';
import { deliverDueWebhooks } from '../../src/domain/webhooks/deliverDueWebhooks.ts';
import { type WebhookEventType, webhookEventTypes } from '../../src/domain/webhooks/webhookInput.ts';
import { buildLogin, buildMember, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { useSmtpSink } from '../smtpSink.ts';
import { DAY, invite } from './activityReports.helpers.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooksReceiver.ts';

/**
 * Each event comes from the real action that causes it, is queued in that action's transaction, and
 * reaches a real HTTP receiver signed per Standard Webhooks (checked there with node:crypto).
 */
const app = useTestApp();
const smtp = useSmtpSink();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

const operator = systemActor('test');
async function endpoint(events: readonly WebhookEventType[] = webhookEventTypes, url = receiver.url) {
  receiver.received.length = 0;
  receiver.state.answer = { status: 200, delayMs: 0, hang: false, body: 'ok' };
  const created = await createWebhookEndpoint(app.deps, operator, {
    url,
    description: '',
    events: [...events],
  });
  receiver.state.secret = created.secret;
  return created;
}
const deliveries = () => app.deps.db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id);

describe('webhook events from the actions that cause them', () => {
  it('member.login_created: accepting an invitation queues it, the worker delivers it signed', async () => {
    const hook = await endpoint();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const member = await buildMember(app, { memberNumber: 'M-42' });
    const { token } = await invite(app, member.id, { expiresInMs: DAY });
    await acceptInvitation(
      app.deps,
      { token },
      { username: 'newcomer', password: GOOD_PASSWORD },
      {
        ip: null,
        userAgent: null,
      },
    );
    const [queued] = await deliveries();
    expect(queued).toMatchObject({ eventType: 'member.login_created', state: 'queued' });

    expect(await deliverDueWebhooks(app.deps)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got).toMatchObject({ id: queued!.eventId, type: 'member.login_created', verified: true });
    expect(got!.timestamp).toBe(app.clock.now().getTime() / 1000);
    expect(got!.body.data).toEqual({
      member_number: 'M-42',
      username: 'newcomer',
      created_at: app.clock.now().toISOString(),
    });
    const [after] = await deliveries();
    expect(after).toMatchObject({ state: 'delivered', attempts: 1 });
    const [attempt] = await app.deps.db.select().from(webhookAttempts);
    expect(attempt).toMatchObject({
      deliveryId: after!.id,
      statusCode: 200,
      responseSnippet: 'ok',
      error: null,
    });
  });

  it('invitation.delivery_failed and invitation_round.finished: a permanent failure ends a Send', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    await endpoint();
    const member = await buildMember(app, { email: 'gone@example.org', memberNumber: 'M-7' });
    smtp.sink.respondTo.set('gone@example.org', { code: 550, message: '5.1.1 Mailbox unavailable' });
    await sendInvitation(app.deps, admin.actor, member.id);
    await deliverDueEmail(app.deps, smtp.mailer);
    await deliverDueWebhooks(app.deps);
    const byType = new Map(receiver.received.map((r) => [r.type, r]));
    expect([...byType.keys()].sort()).toEqual(['invitation.delivery_failed', 'invitation_round.finished']);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(byType.get('invitation.delivery_failed')!.body.data).toMatchObject({
      member_number: 'M-7',
      email: 'gone@example.org',
      error: expect.stringContaining('Mailbox unavailable'),
    });
    expect(byType.get('invitation_round.finished')!.body.data).toMatchObject({
      kind: 'single',
      total: 1,
      sent: 0,
      failed: 1,
    });
  });

  it('invitation_round.finished: a Send All round reports its figures once', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    for (let i = 0; i < 3; i++) await buildMember(app);
    await endpoint(['invitation_round.finished']);
    const { roundId } = await startSendAll(app.deps, admin.actor);
    await deliverDueEmail(app.deps, smtp.mailer);
    await deliverDueEmail(app.deps, smtp.mailer);
    await deliverDueWebhooks(app.deps);
    expect(receiver.received.map((r) => r.body.data)).toEqual([
      expect.objectContaining({ round_id: roundId, kind: 'send_all', total: 3, sent: 3, failed: 0 }),
    ]);
  });

  it('queues nothing for endpoints that are disabled or not subscribed, and nothing without endpoints', async () => {
    await buildLogin(app);
    const only = await endpoint(['invitation_round.finished']);
    await buildLogin(app);
    await changeWebhookEndpoint(app.deps, operator, { endpointId: only.id, action: 'disable' });
    await endpoint(['member.login_created']);
    await changeWebhookEndpoint(app.deps, operator, { endpointId: only.id + 1, action: 'disable' });
    await buildLogin(app);
    expect(await deliveries()).toEqual([]);
  });

  it('the action succeeds while the receiver is down; the attempt keeps why it failed', async () => {
    const down = await startWebhookReceiver();
    await down.close();
    await endpoint(['member.login_created'], down.url);
    const login = await buildLogin(app);
    expect(login.accountId).toBeGreaterThan(0);
    expect(await deliverDueWebhooks(app.deps)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const [attempt] = await app.deps.db.select().from(webhookAttempts);
    expect(attempt).toMatchObject({ statusCode: null, error: 'ECONNREFUSED' });
  });

  it('one event per endpoint even when its cause is recorded twice', async () => {
    await endpoint(['member.login_created']);
    await endpoint(['member.login_created']);
    const login = await buildLogin(app);
    const { queueLoginCreated } = await import('../../src/domain/webhooks/webhookEvents.ts');
    await app.deps.db.transaction((tx) => queueLoginCreated(tx, app.clock.now(), login.accountId));
    const rows = await deliveries();
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.eventId))).toEqual(new Set([`login_${login.accountId}`]));
    expect(new Set(rows.map((r) => r.endpointId)).size).toBe(2);
  });
});
