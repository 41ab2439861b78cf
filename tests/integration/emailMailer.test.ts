import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createMailer, type Mailer, type OutgoingEmail } from '../../src/email/mailer.ts';
import { type SmtpSink, startSmtpSink } from '../smtpSink.ts';

const configFor = (env: Record<string, string>) =>
  loadConfig({ LOG_LEVEL: 'silent', MAIL_FROM: 'Riverside Club <portal@riverside.test>', ...env });

const email = (to: string, n = 1): OutgoingEmail => ({
  to,
  subject: `Hello ${n}`,
  text: `Plain text ${n}`,
  html: `<p>HTML <strong>${n}</strong></p>`,
  headers: { 'X-Gatehouse-Message': String(n) },
});

/** A port nobody listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mailer against a real SMTP server', () => {
  let sink: SmtpSink;
  let mailer: Mailer | undefined;

  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await mailer?.close();
    mailer = undefined;
    await sink.close();
  });

  it('delivers a message with plain-text and HTML parts, the From header and extra headers', async () => {
    mailer = createMailer(configFor({ SMTP_URL: sink.url }));
    expect(mailer.delivers).toBe(true);
    const outcome = await mailer.send(email('ada@example.org'));
    expect(outcome.status).toBe('sent');
    expect(outcome.status === 'sent' && outcome.response).toMatch(/^250 /);
    const [message] = await sink.waitForMessages(1);
    expect(message!.to).toEqual(['ada@example.org']);
    expect(message!.subject).toBe('Hello 1');
    expect(message!.text.trim()).toBe('Plain text 1');
    expect(message!.html).toContain('<p>HTML <strong>1</strong></p>');
    expect(message!.headers.from).toBe('Riverside Club <portal@riverside.test>');
    expect(message!.headers['x-gatehouse-message']).toBe('1');
    expect(message!.headers['content-type']).toContain('multipart/alternative');
  });

  it('gives every message its own Message-ID at the sender domain', async () => {
    mailer = createMailer(configFor({ SMTP_URL: sink.url }));
    await mailer.send(email('ada@example.org', 1));
    await mailer.send({
      ...email('bo@example.org', 2),
      from: { name: 'Hill FC', address: 'club@hill.test' },
    });
    const ids = (await sink.waitForMessages(2)).map((m) => m.headers['message-id']);
    expect(ids[0]).toMatch(/^<[0-9a-f-]{36}@riverside\.test>$/);
    expect(ids[1]).toMatch(/^<[0-9a-f-]{36}@hill\.test>$/);
    expect(ids[0]!.slice(0, 37)).not.toBe(ids[1]!.slice(0, 37));
  });

  it('reports a 451 answer as temporary, with the code in the error', async () => {
    sink.respondTo.set('busy@example.org', { code: 451, message: '4.7.1 Greylisted, try again later' });
    mailer = createMailer(configFor({ SMTP_URL: sink.url }));
    const outcome = await mailer.send(email('busy@example.org'));
    expect(outcome).toEqual({ status: 'temporary', error: '451 4.7.1 Greylisted, try again later' });
    expect(sink.messages).toHaveLength(0);
  });

  it("reports a 550 answer as permanent, with the server's text", async () => {
    sink.respondTo.set('gone@example.org', { code: 550, message: '5.1.1 mailbox unavailable' });
    mailer = createMailer(configFor({ SMTP_URL: sink.url }));
    expect(await mailer.send(email('gone@example.org'))).toEqual({
      status: 'permanent',
      error: '550 5.1.1 mailbox unavailable',
    });
    // The pooled connection survives a refused recipient: the next member still gets their mail.
    expect((await mailer.send(email('ada@example.org', 2))).status).toBe('sent');
    expect(sink.byRecipient()).toEqual(new Map([['ada@example.org', 1]]));
  });

  it('reports a refused connection as temporary', async () => {
    mailer = createMailer(configFor({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` }));
    const outcome = await mailer.send(email('ada@example.org'));
    expect(outcome.status).toBe('temporary');
    expect(outcome.status === 'temporary' && outcome.error).toContain('ECONNREFUSED');
  });

  it('gives up on a server that stops answering, as temporary', async () => {
    const slow = await startSmtpSink({ dataDelayMs: 1500 });
    const impatient = createMailer(configFor({ SMTP_URL: slow.url }), { timeoutMs: 300 });
    try {
      const outcome = await impatient.send(email('ada@example.org'));
      expect(outcome.status).toBe('temporary');
      expect(outcome.status === 'temporary' && outcome.error).toMatch(/time/i);
    } finally {
      await impatient.close();
      await slow.close();
    }
  });

  // SMTP_RATE_LIMIT is kept portal-wide by the delivery loop, not the mailer: reliabilitySmtpRate.test.ts.
  it('pools connections', async () => {
    mailer = createMailer(configFor({ SMTP_URL: sink.url, SMTP_POOL_SIZE: '2' }));
    const recipients = Array.from({ length: 20 }, (_, i) => `member${i}@example.org`);
    const outcomes = await Promise.all(recipients.map((to, i) => mailer!.send(email(to, i))));
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(sink.connections).toBeLessThanOrEqual(2);
    expect([...sink.byRecipient().values()].every((n) => n === 1)).toBe(true);
    expect(sink.byRecipient().size).toBe(20);
  });
});

describe('mailer without SMTP_URL', () => {
  it('keeps messages for the Email Log instead of sending them', async () => {
    const mailer = createMailer(configFor({}));
    expect(mailer.delivers).toBe(false);
    expect(await mailer.send(email('ada@example.org'))).toEqual({ status: 'logged' });
    await mailer.close();
  });
});
