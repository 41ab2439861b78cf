import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accounts,
  auditEvents,
  emailMessages,
  loginThrottle,
  members,
  passwordResets,
} from '../../src/db/schema.ts';
import { purgeOldPasswordResets } from '../../src/domain/accounts/passwordResets.ts';
import { loginLock } from '../../src/domain/auth/loginThrottle.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { runQueuedSelfServiceJobs } from '../selfServiceJobs.ts';
import { type SinkMessage, useSmtpSink } from '../smtpSink.ts';

const app = useTestApp();
const smtp = useSmtpSink({ MAIL_FROM: 'Portal <portal@example.org>' });
// The pages promise an email only when an SMTP server is configured (without one they say so instead).
beforeAll(() => {
  app.config.smtpUrl = smtp.sink.url;
});
const NEW_PASSWORD = 'lantern quarry biscuit 81';

const resetPathIn = (text: string) => /http:\/\/portal\.test(\/reset-password\/[\w-]+)/.exec(text)?.[1];

/**
 * Runs the queued "Forgot …?" requests (the worker's job), delivers what is due and returns the messages
 * that arrived at the sink because of it.
 */
async function deliver(): Promise<SinkMessage[]> {
  await runQueuedSelfServiceJobs(app);
  const before = smtp.sink.messages.length;
  const { delivered } = await deliverDueEmail(app.deps, smtp.mailer);
  return delivered === 0 ? [] : (await smtp.sink.waitForMessages(before + delivered)).slice(before);
}

async function askForReset(identifier: string) {
  const b = browser(await app.server());
  const res = await b.submit('/forgot-password', '/forgot-password', { identifier });
  return res;
}

/** "Forgot password?" for a member, through the page and the real SMTP sink: the emailed reset path. */
async function emailedResetPath(username: string): Promise<string> {
  expect((await askForReset(username)).statusCode).toBe(200);
  const [mail] = await deliver();
  return resetPathIn(mail!.text)!;
}

describe('Forgot password', () => {
  it('is linked from the login page and emails a link to the roster address that sets a new password', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    const login = await b.get('/login');
    expect(readPage(login.body).link('Forgot password?')).toBe('/forgot-password');
    expect(readPage(login.body).link('Forgot username?')).toBe('/forgot-username');

    const asked = await b.submit('/forgot-password', '/forgot-password', {
      identifier: member.username.toUpperCase(),
    });
    expect(readPage(asked.body).status()).toContain('If that matches a login, we have emailed a link');
    const [mail] = await deliver();
    expect(mail?.to).toEqual([`${member.username}@example.org`]);
    expect(mail?.subject).toBe('Set a new password for the Gatehouse member portal');
    expect(mail?.text).toContain(`your login "${member.username}"`);
    const path = resetPathIn(mail!.text)!;
    expect(path).toMatch(/^\/reset-password\/[\w-]{43}$/);
    expect(mail?.html).toContain(`http://portal.test${path}`);

    const page = await b.get(path);
    expect(page.statusCode).toBe(200);
    const form = readPage(page.body);
    form.getByRole('heading', { level: 1, name: 'Set a new password' });
    form.field('New password');
    const done = await b.submit(path, path, { newPassword: NEW_PASSWORD });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/home?reset=1');
    expect(readPage((await b.get('/home?reset=1')).body).status()).toContain('Your new password is set');

    const fresh = browser(await app.server());
    expect((await fresh.logIn(member.username, member.password)).statusCode).toBe(401);
    expect((await fresh.logIn(member.username, NEW_PASSWORD)).statusCode).toBe(303);
    const actions = (await app.deps.db.select().from(auditEvents)).map((a) => [a.action, a.memberId]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['password.reset_requested', member.memberId],
        ['password.reset_by_member', member.memberId],
      ]),
    );
  });

  it('keeps no token in the Email Log once mail went out, and only its SHA-256 in the database', async () => {
    const member = await buildLogin(app);
    const path = await emailedResetPath(member.username);
    const token = path.split('/').pop()!;
    const [stored] = await app.deps.db
      .select()
      .from(emailMessages)
      .where(eq(emailMessages.kind, 'password_reset'));
    expect(stored?.state).toBe('sent');
    expect(stored?.passwordResetId).not.toBeNull();
    expect(`${stored?.textBody}${stored?.htmlBody}`).not.toContain(token);
    const [reset] = await app.deps.db.select().from(passwordResets);
    expect(reset?.id).toBe(stored?.passwordResetId);
    expect(reset?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(reset?.expiresAt.getTime()).toBe(app.clock.now().getTime() + 60 * 60_000);
  });

  it('gives one answer for known and unknown usernames and addresses, and sends nothing for unknown ones', async () => {
    const member = await buildLogin(app);
    const known = await askForReset(member.username);
    const knownEmail = await askForReset(`${member.username}@example.org`);
    const unknown = await askForReset('nobody-at-all');
    const unknownEmail = await askForReset('nobody@example.org');
    for (const res of [knownEmail, unknown, unknownEmail]) {
      expect(res.statusCode).toBe(known.statusCode);
      expect(res.body).toBe(known.body);
    }
    const mails = await deliver();
    expect(mails.map((m) => m.to[0])).toEqual([
      `${member.username}@example.org`,
      `${member.username}@example.org`,
    ]);
    const empty = await askForReset('  ');
    expect(empty.statusCode).toBe(400);
    expect(readPage(empty.body).errorFor('Username or email')).toBe('Enter your username or email address.');
  });

  it('emails each login that shares a roster address, each its own link', async () => {
    const one = await buildLogin(app, { username: 'sharer.one' });
    const two = await buildLogin(app, { username: 'sharer.two' });
    await app.deps.db
      .update(members)
      .set({ email: 'family@example.org', emailLower: 'family@example.org' })
      .where(inArray(members.id, [one.memberId, two.memberId]));
    await askForReset('Family@Example.org');
    const mails = await deliver();
    expect(mails).toHaveLength(2);
    expect(mails.every((m) => m.to[0] === 'family@example.org')).toBe(true);
    expect(mails.map((m) => /your login "([^"]+)"/.exec(m.text)?.[1]).sort()).toEqual([
      'sharer.one',
      'sharer.two',
    ]);
    expect(new Set(mails.map((m) => resetPathIn(m.text))).size).toBe(2);
  });

  it('throttles repeated requests with the same answer, sending no more mail', async () => {
    const member = await buildLogin(app);
    const first = await askForReset(member.username);
    for (let i = 0; i < 6; i++) expect((await askForReset(member.username)).body).toBe(first.body);
    // Three links per login per hour, however it was asked for.
    expect(await deliver()).toHaveLength(3);
    app.clock.advance(61 * 60_000);
    await askForReset(member.username);
    expect(await deliver()).toHaveLength(1);
  });
});

describe('the reset link', () => {
  it('changes nothing when opened (mail scanners), and works once', async () => {
    const member = await buildLogin(app);
    const path = await emailedResetPath(member.username);
    const server = await app.server();
    expect((await server.inject({ method: 'HEAD', url: path })).statusCode).toBe(200);
    expect((await browser(server).get(path)).statusCode).toBe(200);
    const [reset] = await app.deps.db.select().from(passwordResets);
    expect(reset?.usedAt).toBeNull();

    const b = browser(server);
    expect((await b.submit(path, path, { newPassword: NEW_PASSWORD })).statusCode).toBe(303);
    const again = await browser(server).get(path);
    expect(again.statusCode).toBe(410);
    const used = readPage(again.body);
    used.getByRole('heading', { level: 1, name: 'This link has already been used' });
    expect(used.link('Request a new link')).toBe('/forgot-password');
    expect(used.queryByLabelText('New password')).toBeNull();
    expect(used.queryByRole('button', { name: 'Set new password' })).toBeNull();
  });

  it('expires one hour after it was sent', async () => {
    const member = await buildLogin(app);
    const path = await emailedResetPath(member.username);
    app.clock.advance(59 * 60_000);
    expect((await browser(await app.server()).get(path)).statusCode).toBe(200);
    app.clock.advance(60_001);
    const b = browser(await app.server());
    const page = await b.get(path);
    expect(page.statusCode).toBe(410);
    readPage(page.body).getByRole('heading', { level: 1, name: 'This link has expired' });
    const late = await b.submit('/forgot-password', path, { newPassword: NEW_PASSWORD });
    expect(late.statusCode).toBe(410);
    expect((await browser(await app.server()).logIn(member.username, member.password)).statusCode).toBe(303);
  });

  it('says "expired" for a week, then the worker forgets the link', async () => {
    const member = await buildLogin(app);
    const path = await emailedResetPath(member.username);
    app.clock.advance(60 * 60_000 + 6 * 24 * 60 * 60_000);
    await purgeOldPasswordResets(app.deps);
    expect((await browser(await app.server()).get(path)).statusCode).toBe(410);
    app.clock.advance(24 * 60 * 60_000 + 1);
    await purgeOldPasswordResets(app.deps);
    expect((await browser(await app.server()).get(path)).statusCode).toBe(404);
  });

  it('says an unknown link is not valid', async () => {
    const res = await browser(await app.server()).get('/reset-password/not-a-real-token');
    expect(res.statusCode).toBe(404);
    readPage(res.body).getByRole('heading', { level: 1, name: 'This link is not valid' });
  });

  it('refuses a weak password next to the field and keeps the link usable', async () => {
    const member = await buildLogin(app);
    const path = await emailedResetPath(member.username);
    const b = browser(await app.server());
    const weak = await b.submit(path, path, { newPassword: 'password1234' });
    expect(weak.statusCode).toBe(400);
    const refused = readPage(weak.body);
    expect(refused.errorFor('New password')).toBeTruthy();
    expect(refused.field('New password').form?.getAttribute('action')).toBe(path);
    expect((await b.submit(path, path, { newPassword: NEW_PASSWORD })).statusCode).toBe(303);
  });

  it('lets exactly one of two simultaneous submissions through', async () => {
    const member = await buildLogin(app);
    const path = await emailedResetPath(member.username);
    const server = await app.server();
    const one = browser(server);
    const two = browser(server);
    await Promise.all([one.get(path), two.get(path)]);
    const results = await Promise.all([
      one.submit(path, path, { newPassword: NEW_PASSWORD }),
      two.submit(path, path, { newPassword: 'second racer picks 99 words' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 410]);
    const winner = results[0]!.statusCode === 303 ? NEW_PASSWORD : 'second racer picks 99 words';
    expect((await browser(server).logIn(member.username, winner)).statusCode).toBe(303);
  });

  it('ends every session, kills the other unused links and lifts the login lockout', async () => {
    const member = await buildLogin(app);
    const server = await app.server();
    const elsewhere = browser(server);
    await elsewhere.logIn(member.username, member.password);
    const older = await emailedResetPath(member.username);
    const path = await emailedResetPath(member.username);

    const attacker = browser(server);
    for (let i = 0; i < 5; i++) await attacker.logIn(member.username, `guess ${i}`);
    const locked = await attacker.logIn(member.username, member.password);
    expect(locked.statusCode).toBe(429);
    expect(readPage(locked.body).errorFor('Username')).toContain(
      'Wait 15 minutes and try again, or use “Forgot password?”',
    );

    expect((await browser(server).submit(path, path, { newPassword: NEW_PASSWORD })).statusCode).toBe(303);
    expect((await elsewhere.get('/home')).statusCode).toBe(302);
    expect((await browser(server).get(older)).statusCode).toBe(410);
    const lock = await loginLock(app.deps.db, member.username.toLowerCase(), app.clock.now());
    expect(lock).toEqual({ everywhereUntil: null, addressesUntil: null, addresses: 0 });
    const keys = (await app.deps.db.select().from(loginThrottle)).map((r) => r.key);
    expect(keys.filter((k) => k.startsWith('login') && k.includes(member.username.toLowerCase()))).toEqual(
      [],
    );
    expect((await browser(server).logIn(member.username, NEW_PASSWORD)).statusCode).toBe(303);
  });

  it('clears a temporary password that had to be changed', async () => {
    const member = await buildLogin(app);
    await app.deps.db
      .update(accounts)
      .set({ mustChangePassword: true })
      .where(eq(accounts.id, member.accountId));
    const path = await emailedResetPath(member.username);
    const b = browser(await app.server());
    await b.submit(path, path, { newPassword: NEW_PASSWORD });
    expect((await b.get('/home')).statusCode).toBe(200);
  });
});

describe('Forgot username', () => {
  it('emails the username of each login with that roster address, and answers the same for unknown ones', async () => {
    const member = await buildLogin(app, { username: 'forgetful.fred' });
    const b = browser(await app.server());
    expect(readPage((await b.get('/login')).body).link('Forgot username?')).toBe('/forgot-username');
    const known = await b.submit('/forgot-username', '/forgot-username', {
      email: 'FORGETFUL.FRED@example.org ',
    });
    const unknown = await b.submit('/forgot-username', '/forgot-username', { email: 'stranger@example.org' });
    expect(known.statusCode).toBe(200);
    expect(unknown.body).toBe(known.body);
    expect(readPage(known.body).status()).toBe(
      'If that address belongs to a login, we have emailed the username to it.',
    );
    const mails = await deliver();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['forgetful.fred@example.org']);
    expect(mails[0]?.subject).toBe('Your username for the Gatehouse member portal');
    expect(mails[0]?.text).toContain('Your username is:\nforgetful.fred');
    expect(mails[0]?.text).not.toContain(member.password);
    const bad = await b.submit('/forgot-username', '/forgot-username', { email: 'not an address' });
    expect(bad.statusCode).toBe(400);
    const refused = readPage(bad.body);
    expect(refused.errorFor('Email address')).toBe('Enter an email address like name@example.org.');
    expect(refused.valueOf('Email address')).toBe('not an address');
  });

  it('throttles per address with the same answer', async () => {
    await buildLogin(app, { username: 'spammed' });
    const b = browser(await app.server());
    const first = await b.submit('/forgot-username', '/forgot-username', { email: 'spammed@example.org' });
    for (let i = 0; i < 6; i++) {
      const res = await b.submit('/forgot-username', '/forgot-username', { email: 'spammed@example.org' });
      expect(res.body).toBe(first.body);
    }
    expect(await deliver()).toHaveLength(3);
  });
});
