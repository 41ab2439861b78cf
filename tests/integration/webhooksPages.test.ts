import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema.ts';
import { deliverDueWebhooks } from '../../src/domain/webhooks/deliverDueWebhooks.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhooksReceiver.ts';

/** Admin › Webhooks as a Security Administrator uses it: add, see the secret once, test, disable, delete. */
const app = useTestApp();
const PAGE = '/admin/webhooks';
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

async function securityAdmin() {
  const sa = await buildLogin(app, { role: 'security_admin' });
  const b = browser(await app.server());
  await b.logIn(sa.username, sa.password);
  return b;
}

async function addEndpoint(b: Awaited<ReturnType<typeof securityAdmin>>) {
  const res = await b.submit(PAGE, PAGE, { url: receiver.url, loginCreated: 'on', description: 'CRM' });
  expect(res.statusCode).toBe(200);
  const page = readPage(res.body);
  const secret = page.valueOf('Signing secret');
  expect(secret).toMatch(/^whsec_/);
  return { secret, endpointPath: page.link('Go to the endpoint')! };
}

describe('Webhooks page', () => {
  it('adds an endpoint, shows its secret once, and lists it', async () => {
    const b = await securityAdmin();
    let page = readPage((await b.get(PAGE)).body);
    page.getByText(/No endpoints yet/);
    page.getByRole('heading', { level: 1, name: 'Webhooks' });
    const { secret, endpointPath } = await addEndpoint(b);
    page = readPage((await b.get(PAGE)).body);
    expect(page.tableRows()).toEqual([
      [
        expect.stringContaining(receiver.url),
        'A member created a login',
        'Enabled',
        expect.stringContaining('by'),
      ],
    ]);
    // Shown once: neither the list nor the endpoint's page carries it (raw check: the bytes matter).
    expect((await b.get(PAGE)).body).not.toContain(secret);
    expect((await b.get(endpointPath)).body).not.toContain(secret);
    const [audited] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'webhook.endpoint_created'));
    expect(audited?.details).toMatchObject({ url: receiver.url, events: ['member.login_created'] });
  });

  it('refuses an address that is not http(s) and an endpoint without events, next to the fields', async () => {
    const b = await securityAdmin();
    const res = await b.submit(PAGE, PAGE, { url: 'ftp://db.example.org/x' });
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.errorFor('Endpoint URL')).toBe('Enter a web address starting with https:// (or http://).');
    expect(page.valueOf('Endpoint URL')).toBe('ftp://db.example.org/x');
  });

  it('sends a test event and shows the delivery with the answer; disable, then delete after asking', async () => {
    const b = await securityAdmin();
    const { secret, endpointPath } = await addEndpoint(b);
    receiver.state.secret = secret;
    receiver.state.answer = { status: 202, delayMs: 0, hang: false, body: 'accepted by CRM' };
    expect((await b.submit(endpointPath, `${endpointPath}/test`, {})).headers.location).toBe(
      `${endpointPath}?done=test`,
    );
    await deliverDueWebhooks(app.deps);
    expect(receiver.received.at(-1)).toMatchObject({ type: 'webhook.test', verified: true });
    let page = readPage((await b.get(endpointPath)).body);
    const [row] = page.tableRows();
    expect(row).toEqual([
      expect.stringContaining('Test event'),
      expect.stringContaining('Delivered'),
      expect.stringMatching(/Answered 202 \(\d+ ms\)accepted by CRM/),
      '',
    ]);

    await b.submit(endpointPath, `${endpointPath}/disable`, {});
    page = readPage((await b.get(endpointPath)).body);
    page.getByRole('button', { name: 'Enable' });
    expect(page.queryByRole('button', { name: 'Send test event' })).toBeNull();

    page = readPage((await b.get(`${endpointPath}/delete`)).body);
    page.getByRole('button', { name: 'Delete endpoint' });
    const deleted = await b.submit(`${endpointPath}/delete`, `${endpointPath}/delete`, {});
    expect(deleted.headers.location).toBe(`${PAGE}?done=deleted`);
    page = readPage((await b.get(`${PAGE}?done=deleted`)).body);
    expect(page.status()).toBe('Endpoint deleted.');
    expect((await b.get(endpointPath)).statusCode).toBe(404);
  });

  it('rotates the secret after asking (shown once; events are signed with it) and retries a failed delivery', async () => {
    const b = await securityAdmin();
    const { secret: old, endpointPath } = await addEndpoint(b);
    readPage((await b.get(`${endpointPath}/rotate-secret`)).body).getByRole('button', {
      name: 'Rotate secret',
    });
    const rotated = await b.submit(`${endpointPath}/rotate-secret`, `${endpointPath}/rotate-secret`, {});
    const secret = readPage(rotated.body).valueOf('Signing secret');
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    receiver.state.secret = secret;
    receiver.state.answer = { status: 500, delayMs: 0, hang: false, body: 'down' };
    await b.submit(endpointPath, `${endpointPath}/test`, {});
    // Six answers of 500, one per wait of the schedule.
    for (let i = 0; i < 6; i++) {
      await deliverDueWebhooks(app.deps);
      app.clock.advance(8 * 3_600_000);
    }
    expect(receiver.received.at(-1)).toMatchObject({ verified: true });
    // Two days later: signed in afresh (the first session has timed out).
    const later = await securityAdmin();
    let page = readPage((await later.get(endpointPath)).body);
    // The newest row is the second administrator's new login; the test event is below it.
    const testRow = () => page.tableRows().find((row) => row[0]!.startsWith('Test event'))!;
    expect(testRow()[1]).toBe('FailedThe receiver answered 500.');
    receiver.state.answer = { status: 200, delayMs: 0, hang: false, body: 'ok' };
    const retry = page.getByRole('button', { name: 'Retry' });
    expect(retry.closest('form')?.getAttribute('action')).toMatch(/\/deliveries\/\d+\/retry$/);
    const retried = await later.submit(endpointPath, retry.closest('form')!.getAttribute('action')!, {});
    expect(retried.headers.location).toBe(`${endpointPath}?done=retried`);
    await deliverDueWebhooks(app.deps);
    page = readPage((await later.get(endpointPath)).body);
    expect(testRow()[1]).toContain('Delivered');
    const actions = await app.deps.db.select({ action: auditEvents.action }).from(auditEvents);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'webhook.endpoint_secret_rotated',
        'webhook.test_sent',
        'webhook.delivery_retried',
      ]),
    );
  });

  it('is for Security Administrators only', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    const b = browser(await app.server());
    await b.logIn(admin.username, admin.password);
    expect((await b.get(PAGE)).statusCode).toBe(403);
  });
});
