import { readFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, emailMessages } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { createMailer } from '../../src/email/mailer.ts';
import { browser, buildLogin, buildMember, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { runQueuedSelfServiceJobs } from '../selfServiceJobs.ts';

// No SMTP_URL: every message is kept in the Email Log instead of being sent.
const app = useTestApp();
const LOG = '/admin/email-log';
const NEW_PASSWORD = 'lantern quarry biscuit 81';

const resetPathIn = (text: string) => /\/reset-password\/([\w-]{20,})/.exec(text)?.[0];
const invitePathIn = (text: string) => /\/invite\/([\w-]{20,})/.exec(text)?.[0];
const codeIn = (text: string) => /\b([A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4})\b/.exec(text)?.[1];
const HIDDEN = 'link hidden — only a Security Administrator can reveal it';
/** Where the page's links go. */
const hrefsOf = (html: string) =>
  readPage(html)
    .queryAllByRole('link')
    .map((a) => a.getAttribute('href'));
/** The visible text of a page, as one line. */
const textOf = (html: string) => readPage(html).text;

async function signedIn(role: 'admin' | 'security_admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

const deliver = () => deliverDueEmail(app.deps, createMailer(app.config));

async function messageOfKind(kind: 'password_reset' | 'invitation') {
  const [row] = await app.deps.db.select().from(emailMessages).where(eq(emailMessages.kind, kind));
  return row!;
}

describe('Email Log without SMTP: password reset links', () => {
  it('never shows a reset link an Administrator could use to take over a Security Administrator', async () => {
    const target = await buildLogin(app, { role: 'security_admin' });
    const anonymous = browser(await app.server());
    const asked = await anonymous.submit('/forgot-password', '/forgot-password', {
      identifier: target.username,
    });
    expect(asked.statusCode).toBe(200);
    await runQueuedSelfServiceJobs(app);
    await deliver();
    const message = await messageOfKind('password_reset');
    expect(message.state).toBe('logged');

    const { b: admin } = await signedIn('admin');
    const list = await admin.get(LOG);
    expect(hrefsOf(list.body)).toContain(`${LOG}/${message.id}`);
    const page = await admin.get(`${LOG}/${message.id}`);
    expect(page.statusCode).toBe(200);
    const path = resetPathIn(page.body);
    if (path) {
      // The attack as it worked: the Administrator sets the password and is signed in as the target.
      const taken = await admin.submit(path, path, { newPassword: NEW_PASSWORD });
      expect(taken.headers.location, 'the reset link from the Email Log worked').not.toBe('/home?reset=1');
    }
    expect(path).toBeUndefined();
    // Nor is the link anywhere in the database, where a later reader (or a backup) could find it.
    expect(resetPathIn(`${message.textBody}${message.htmlBody}`)).toBeUndefined();
    expect(textOf(page.body)).toContain('only the member’s own mailbox may hold it');

    // A Security Administrator cannot reveal it either: a reset link is only ever for the mailbox owner.
    const { b: security } = await signedIn('security_admin');
    const asSecurity = await security.get(`${LOG}/${message.id}`);
    expect(resetPathIn(asSecurity.body)).toBeUndefined();
    expect(asSecurity.body).not.toContain('Reveal');
    expect(readPage(asSecurity.body).queryByRole('button', { name: /reveal/i })).toBeNull();
    const reveal = await security.submit(`${LOG}/${message.id}`, `${LOG}/${message.id}/reveal`, {});
    expect(reveal.statusCode).toBe(409);
    expect(resetPathIn(reveal.body)).toBeUndefined();
  });
});

describe('Forgot password without SMTP', () => {
  it('says no link can arrive and that a Security Administrator sets a temporary password', async () => {
    const b = browser(await app.server());
    const page = textOf((await b.get('/forgot-password')).body);
    expect(page).toContain('This portal does not send email at the moment');
    expect(page).toContain('Ask a Security Administrator of Gatehouse to set a temporary password');
    const asked = textOf(
      (await b.submit('/forgot-password', '/forgot-password', { identifier: 'anyone' })).body,
    );
    expect(asked).toContain('This portal does not send email at the moment');
    expect(asked).not.toContain('we have emailed');
    app.config.smtpUrl = 'smtp://127.0.0.1:2525';
    try {
      expect(textOf((await b.get('/forgot-password')).body)).not.toContain('does not send email');
    } finally {
      app.config.smtpUrl = undefined;
    }
  });
});

describe('Email Log after the upgrade', () => {
  it('loses the links and codes that earlier versions kept in the bodies', async () => {
    const token = 'A'.repeat(43);
    const legacy = (kind: 'invitation' | 'password_reset', path: string) => ({
      kind,
      toAddress: 'x@example.org',
      subject: 'old',
      textBody: `Open http://portal.test/${path}/${token}\nor type\nABCD-EFGH`,
      htmlBody: `<a href="http://portal.test/${path}/${token}">link</a> <span>ABCD-EFGH</span>`,
      state: 'logged' as const,
      createdAt: app.clock.now(),
      updatedAt: app.clock.now(),
    });
    await app.deps.db
      .insert(emailMessages)
      .values([legacy('invitation', 'invite'), legacy('password_reset', 'reset-password')]);
    const migration = readFileSync('src/db/migrations/0012_email_kept_secrets.sql', 'utf8');
    const scrub = migration.split('--> statement-breakpoint')[1]!;
    await app.deps.db.execute(sql.raw(scrub));
    for (const row of await app.deps.db.select().from(emailMessages)) {
      const bodies = `${row.textBody}${row.htmlBody}`;
      expect(bodies).not.toContain(token);
      expect(bodies).not.toContain('ABCD-EFGH');
      expect(bodies).toContain('[not stored]');
    }
  });
});

describe('Email Log without SMTP: invitation links and codes', () => {
  async function keptInvitation() {
    const member = await buildMember(app, { firstName: 'Grace' });
    const sender = await buildLogin(app, { role: 'admin' });
    await sendInvitation(app.deps, sender.actor, member.id);
    await deliver();
    return { member, message: await messageOfKind('invitation') };
  }

  it('shows an Administrator the invitation with its link and code hidden, in both parts', async () => {
    const { message } = await keptInvitation();
    const { b: admin } = await signedIn('admin');
    const page = await admin.get(`${LOG}/${message.id}`);
    expect(page.statusCode).toBe(200);
    expect(invitePathIn(page.body)).toBeUndefined();
    expect(codeIn(page.body)).toBeUndefined();
    const shown = readPage(page.body);
    expect(shown.text).toContain(HIDDEN);
    expect(shown.text).toContain('code hidden — only a Security Administrator can reveal it');
    expect(shown.text).toContain(
      'The invitation link and code are hidden: only a Security Administrator can reveal them.',
    );
    expect(shown.queryByRole('button', { name: 'Reveal link and code' })).toBeNull();
    expect(page.body).not.toContain('Reveal link and code');
    // The stored copy holds neither: only the separate column the reveal reads.
    expect(invitePathIn(`${message.textBody}${message.htmlBody}`)).toBeUndefined();
    expect(codeIn(`${message.textBody}${message.htmlBody}`)).toBeUndefined();

    const list = await admin.get(LOG);
    expect(invitePathIn(list.body)).toBeUndefined();
    const server = await app.server();
    const refused = await server.inject({
      method: 'POST',
      url: `${LOG}/${message.id}/reveal`,
      headers: { cookie: admin.cookies, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfFrom(page.body))}`,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('lets a Security Administrator reveal them with a button, records it, and the link works', async () => {
    const { member, message } = await keptInvitation();
    const { b: security, login } = await signedIn('security_admin');
    const page = await security.get(`${LOG}/${message.id}`);
    expect(invitePathIn(page.body)).toBeUndefined();
    const button = readPage(page.body).getByRole('button', { name: 'Reveal link and code' });
    const form = button.closest('form')!;
    expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual([
      'post',
      `${LOG}/${message.id}/reveal`,
    ]);
    expect(
      await app.deps.db.select().from(auditEvents).where(eq(auditEvents.action, 'email_log.secret_revealed')),
    ).toHaveLength(0);

    const revealed = await security.submit(`${LOG}/${message.id}`, `${LOG}/${message.id}/reveal`, {});
    expect(revealed.statusCode).toBe(200);
    const path = invitePathIn(revealed.body)!;
    expect(path).toBeDefined();
    expect(codeIn(revealed.body)).toBeDefined();
    expect(revealed.body).not.toContain(HIDDEN);
    expect(revealed.headers['cache-control']).toBe('no-store');
    expect(revealed.headers['referrer-policy']).toBe('no-referrer');
    const revealedPage = readPage(revealed.body);
    expect(revealedPage.text).toContain(
      'The link and code are revealed for you, and this is recorded in the Audit Log.',
    );
    // The plain-text link is a real link, opened away from the portal page.
    const link = revealedPage.getByRole('link', { name: `http://portal.test${path}` });
    expect([link.getAttribute('href'), link.getAttribute('target'), link.getAttribute('rel')]).toEqual([
      `http://portal.test${path}`,
      '_blank',
      'noopener noreferrer',
    ]);
    const events = await app.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'email_log.secret_revealed'), eq(auditEvents.memberId, member.id)));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorAccountId).toBe(login.accountId);
    expect(events[0]!.details).toEqual({ messageId: message.id, kind: 'invitation' });

    const welcome = await browser(await app.server()).get(path);
    expect(welcome.statusCode).toBe(200);
    expect(textOf(welcome.body)).toContain('Welcome, Grace');

    // Looking again (a GET) hides it again: every reveal is its own recorded action.
    expect(invitePathIn((await security.get(`${LOG}/${message.id}`)).body)).toBeUndefined();
  });

  it('keeps nothing to reveal once the message went to a real mail server', async () => {
    await app.deps.db.insert(emailMessages).values({
      kind: 'invitation',
      toAddress: 'x@example.org',
      subject: 'Invitation',
      textBody: 'Open http://portal.test/invite/[not stored]',
      htmlBody: '<p>[not stored]</p>',
      state: 'sent',
      createdAt: app.clock.now(),
      updatedAt: app.clock.now(),
    });
    const [message] = await app.deps.db.select().from(emailMessages);
    const { b: security } = await signedIn('security_admin');
    const page = (await security.get(`${LOG}/${message!.id}`)).body;
    expect(page).not.toContain('Reveal link and code');
    expect(readPage(page).queryByRole('button', { name: 'Reveal link and code' })).toBeNull();
    const reveal = await security.submit(`${LOG}/${message!.id}`, `${LOG}/${message!.id}/reveal`, {});
    expect(reveal.statusCode).toBe(409);
  });
});
