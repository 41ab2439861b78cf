import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, emailMessages, passwordResets } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { type AccountEmailKind, queueAccountEmail } from '../../src/domain/email/queueAccountEmail.ts';
import { createMailer } from '../../src/email/mailer.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { useSmtpSink } from '../smtpSink.ts';

const app = useTestApp({ ORG_NAME: 'Riverside Rowing Club' });
const smtp = useSmtpSink();

const queue = (kind: AccountEmailKind, memberId: number, toAddress: string) =>
  app.deps.db.transaction((tx) => queueAccountEmail(tx, app.clock.now(), { kind, memberId, toAddress }));
const messageRow = async (id: number) =>
  (await app.deps.db.select().from(emailMessages).where(eq(emailMessages.id, id)))[0]!;

describe('emails about a login', () => {
  it('username_changed shows the username as it is when sent, and what to do if unexpected', async () => {
    const member = await buildLogin(app, { username: 'old.name' });
    const id = await queue('username_changed', member.memberId, 'old.name@example.org');
    // Changed again before the worker got to it: the email must name the login's current username.
    await app.deps.db
      .update(accounts)
      .set({ username: 'newest.name', usernameLower: 'newest.name' })
      .where(eq(accounts.id, member.accountId));
    const before = smtp.sink.messages.length;
    await deliverDueEmail(app.deps, smtp.mailer);
    const [mail] = (await smtp.sink.waitForMessages(before + 1)).slice(before);
    expect(mail?.to).toEqual(['old.name@example.org']);
    expect(mail?.subject).toBe('Your username for the Riverside Rowing Club member portal has changed');
    expect(mail?.text).toContain('An administrator of Riverside Rowing Club has changed the username');
    expect(mail?.text).toContain('Your new username is:\nnewest.name');
    expect(mail?.text).not.toContain('old.name\n');
    expect(mail?.text).toContain('If you did not expect this change');
    expect(mail?.html).toContain('>newest.name</span>');
    const row = await messageRow(id);
    expect(row.state).toBe('sent');
    expect(row.textBody).toContain('newest.name');
  });

  it('skips an email about a login that no longer exists, saying why', async () => {
    const member = await buildLogin(app);
    const reset = await queue('password_reset', member.memberId, 'x@example.org');
    const reminder = await queue('username_reminder', member.memberId, 'x@example.org');
    await app.deps.db.delete(accounts).where(eq(accounts.id, member.accountId));
    const before = smtp.sink.messages.length;
    await deliverDueEmail(app.deps, smtp.mailer);
    expect(smtp.sink.messages.length).toBe(before);
    for (const id of [reset, reminder]) {
      const row = await messageRow(id);
      expect(row.state).toBe('skipped');
      expect(row.lastError).toBe('Not sent: the member no longer has a login.');
    }
    expect(await app.deps.db.select().from(passwordResets)).toHaveLength(0);
  });

  it('closes the link of an attempt the mail server refused when the retry carries a new one', async () => {
    const member = await buildLogin(app, { username: 'greylisted' });
    smtp.sink.respondTo.set('greylisted@example.org', { code: 451, message: 'Greylisted' });
    const id = await queue('password_reset', member.memberId, 'greylisted@example.org');
    await deliverDueEmail(app.deps, smtp.mailer);
    expect((await messageRow(id)).state).toBe('deferred');
    smtp.sink.respondTo.delete('greylisted@example.org');
    app.clock.advance(61_000);
    const before = smtp.sink.messages.length;
    await deliverDueEmail(app.deps, smtp.mailer);
    const [mail] = (await smtp.sink.waitForMessages(before + 1)).slice(before);
    const row = await messageRow(id);
    expect(row.state).toBe('sent');
    const resets = await app.deps.db.select().from(passwordResets).orderBy(passwordResets.id);
    expect(resets).toHaveLength(2);
    expect(row.passwordResetId).toBe(resets[1]!.id);
    expect(resets[0]!.expiresAt.getTime()).toBeLessThanOrEqual(app.clock.now().getTime());
    const path = /http:\/\/portal\.test(\/reset-password\/[\w-]+)/.exec(mail!.text)![1]!;
    expect((await browser(await app.server()).get(path)).statusCode).toBe(200);
  });

  it('never keeps the reset link in the Email Log, not even without an SMTP server (issue 9)', async () => {
    const member = await buildLogin(app);
    const id = await queue('password_reset', member.memberId, 'kept@example.org');
    await deliverDueEmail(app.deps, createMailer(app.config));
    const row = await messageRow(id);
    expect(row.state).toBe('logged');
    expect(row.textBody).not.toMatch(/reset-password\/[\w-]{43}/);
    expect(row.textBody).toContain('(please do not share it):\n[not stored]');
    expect(row.keptSecrets).toBeNull();
  });
});
