import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents, emailMessages, loginThrottle, members } from '../../src/db/schema.ts';
import { loginLock } from '../../src/domain/auth/loginThrottle.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();
const TEMPORARY = 'lantern biscuit harbour 58';

const pageOf = (memberId: number) => `/admin/members/${memberId}/login`;

async function signedIn(role: 'member' | 'admin' | 'security_admin', username?: string) {
  const login = await buildLogin(app, { role, username });
  const b = browser(await app.server());
  expect((await b.logIn(login.username, login.password)).statusCode).toBe(303);
  return { ...login, b };
}

const auditOf = (memberId: number) =>
  app.deps.db.select().from(auditEvents).where(eq(auditEvents.memberId, memberId));
const messagesOf = (memberId: number) =>
  app.deps.db.select().from(emailMessages).where(eq(emailMessages.memberId, memberId));

describe('Change login: Change Username', () => {
  it('refuses a taken name (any case) next to the field, then changes it, emails, ends sessions, audits', async () => {
    const member = await signedIn('member', 'ann');
    await buildLogin(app, { username: 'Taken.Name' });
    const security = await signedIn('security_admin');
    const profile = await security.b.get(`/admin/members/${member.memberId}`);
    expect(profile.body).toContain(`<a href="${pageOf(member.memberId)}">Change login</a>`);
    const page = await security.b.get(pageOf(member.memberId));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Current username: <strong>ann</strong>');
    expect(page.body).toContain('Change Username');
    expect(page.body).toContain('Change Password');

    const taken = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/username`, {
      username: 'taken.NAME',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('<p class="error" id="username-error">That username is taken.');
    expect(taken.body).toContain('value="taken.NAME"');
    const invalid = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/username`, {
      username: 'ann smith',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('id="username-error"');
    expect(invalid.body).toContain('value="ann smith"');
    expect(await messagesOf(member.memberId)).toHaveLength(0);
    expect((await member.b.get('/home')).statusCode).toBe(200);

    const done = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/username`, {
      username: ' Ann.Lee ',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${pageOf(member.memberId)}?done=username`);
    const after = await security.b.get(done.headers.location as string);
    expect(after.body).toContain('The username is changed.');
    expect(after.body).toContain('Current username: <strong>Ann.Lee</strong>');

    // The member's session from before the change is over.
    const ended = await member.b.get('/home');
    expect(ended.statusCode).toBe(302);
    expect(ended.headers.location).toMatch(/^\/login/);
    const fresh = browser(await app.server());
    expect((await fresh.logIn('ann', member.password)).statusCode).toBe(401);
    expect((await fresh.logIn('ann.lee', member.password)).statusCode).toBe(303);

    const [message, ...others] = await messagesOf(member.memberId);
    expect(others).toHaveLength(0);
    expect(message).toMatchObject({ kind: 'username_changed', toAddress: 'ann@example.org' });
    const audit = (await auditOf(member.memberId)).filter((a) => a.action === 'login.username_changed');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorLabel: security.username,
      details: { from: 'ann', to: 'Ann.Lee' },
    });
    // The security admin's own session is untouched.
    expect((await security.b.get(pageOf(member.memberId))).statusCode).toBe(200);
  });

  it('allows a change of case only, and keeps the acting admin signed in when it is their own login', async () => {
    const security = await signedIn('security_admin', 'boss');
    const elsewhere = browser(await app.server());
    await elsewhere.logIn('boss', security.password);
    const res = await security.b.submit(pageOf(security.memberId), `${pageOf(security.memberId)}/username`, {
      username: 'Boss',
    });
    expect(res.statusCode).toBe(303);
    const [row] = await app.deps.db.select().from(accounts).where(eq(accounts.id, security.accountId));
    expect(row).toMatchObject({ username: 'Boss', usernameLower: 'boss' });
    const page = await security.b.get(res.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your other sessions were ended');
    expect((await elsewhere.get('/admin')).statusCode).toBe(302);
  });
});

describe('Change login: Change Password', () => {
  it('sets a temporary password: policy, must change, other sessions end, lockout lifted, audited', async () => {
    const member = await signedIn('member', 'carol');
    const laptop = browser(await app.server());
    await laptop.logIn('carol', member.password);
    // Someone has been guessing: the login is locked.
    const guesser = browser(await app.server());
    for (let i = 0; i < 5; i++) await guesser.logIn('carol', `guess ${i}`);
    expect((await guesser.logIn('carol', member.password)).statusCode).toBe(429);

    const security = await signedIn('security_admin');
    const action = `${pageOf(member.memberId)}/password`;
    const weak = await security.b.submit(pageOf(member.memberId), action, { newPassword: 'carol12345678' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('id="newPassword-error"');
    expect((await member.b.get('/home')).statusCode).toBe(200);

    const done = await security.b.submit(pageOf(member.memberId), action, { newPassword: TEMPORARY });
    expect(done.headers.location).toBe(`${pageOf(member.memberId)}?done=password`);
    const notice = (await security.b.get(done.headers.location as string)).body;
    expect(notice).toContain('must choose a new password at the next login');
    expect(notice).toContain('sessions were ended');

    for (const before of [member.b, laptop]) {
      const res = await before.get('/home');
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    const [row] = await app.deps.db.select().from(accounts).where(eq(accounts.id, member.accountId));
    expect(row!.mustChangePassword).toBe(true);
    expect(row!.passwordChangedAt).toEqual(app.clock.now());
    // Every counter of the login is gone: its total and its count at each address.
    expect(await loginLock(app.deps.db, 'carol', app.clock.now())).toEqual({
      everywhereUntil: null,
      addressesUntil: null,
      addresses: 0,
    });
    const keys = (await app.deps.db.select().from(loginThrottle)).map((r) => r.key);
    expect(keys.filter((k) => k.includes('carol'))).toEqual([]);
    const fresh = browser(await app.server());
    expect((await fresh.logIn('carol', member.password)).statusCode).toBe(401);
    expect((await fresh.logIn('carol', TEMPORARY)).statusCode).toBe(303);

    const [event, ...more] = (await auditOf(member.memberId)).filter(
      (a) => a.action === 'password.set_by_admin',
    );
    expect(more).toHaveLength(0);
    expect(event!.actorLabel).toBe(security.username);
    expect(JSON.stringify(event)).not.toContain(TEMPORARY);
  });

  it('queues a password reset email to the roster address', async () => {
    const member = await buildLogin(app, { username: 'dave' });
    const security = await signedIn('security_admin');
    const res = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/reset-link`, {});
    expect(res.headers.location).toBe(`${pageOf(member.memberId)}?done=reset`);
    expect((await security.b.get(res.headers.location as string)).body).toContain(
      'A password reset link is on its way to dave@example.org',
    );
    const messages = await messagesOf(member.memberId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: 'password_reset', toAddress: 'dave@example.org' });
    const audit = await auditOf(member.memberId);
    expect(audit.map((a) => a.action)).toEqual(['password.reset_link_sent']);
  });
});

describe('Change login: who and for whom', () => {
  it('says so for a member without a login, and changes nothing', async () => {
    const member = await buildMember(app, { firstName: 'Erin', lastName: 'Nologin' });
    const security = await signedIn('security_admin');
    const page = await security.b.get(pageOf(member.id));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Erin Nologin has no login yet');
    expect(page.body).toContain(`href="/admin/members/${member.id}"`);
    expect(page.body).not.toContain('Change Username');
    const refused = await security.b.submit(`/admin/members/${member.id}`, `${pageOf(member.id)}/username`, {
      username: 'erin',
    });
    expect(refused.statusCode).toBe(409);
    expect((await security.b.get(`${pageOf(999999)}`)).statusCode).toBe(404);
    expect(await messagesOf(member.id)).toHaveLength(0);
  });

  it('answers 403 to an Administrator on the page and every POST, changing nothing', async () => {
    const member = await buildLogin(app, { username: 'frank' });
    const admin = await signedIn('admin');
    const profile = `/admin/members/${member.memberId}`;
    const page = await admin.b.get(pageOf(member.memberId));
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Security Administrator access level');
    const posts: [string, Record<string, string>][] = [
      ['username', { username: 'frank2' }],
      ['password', { newPassword: TEMPORARY }],
      ['reset-link', {}],
    ];
    for (const [action, fields] of posts) {
      const res = await admin.b.submit(profile, `${pageOf(member.memberId)}/${action}`, fields);
      expect(res.statusCode, action).toBe(403);
    }
    const [row] = await app.deps.db.select().from(accounts).where(eq(accounts.id, member.accountId));
    expect(row).toMatchObject({ username: 'frank', mustChangePassword: false });
    expect(await messagesOf(member.memberId)).toHaveLength(0);
    expect((await admin.b.get(profile)).body).not.toContain('Change login');
  });
});

describe('Profile: locked logins', () => {
  it('shows the lock with its end, lets a Security Administrator unlock it, and audits that', async () => {
    const member = await buildLogin(app, { username: 'gina' });
    const guesser = browser(await app.server());
    for (let i = 0; i < 5; i++) await guesser.logIn('GINA', `guess ${i}`);
    const profile = `/admin/members/${member.memberId}`;

    const admin = await signedIn('admin');
    const seen = await admin.b.get(profile);
    // Locked at 09:00 for the 15-minute window.
    expect(seen.body).toContain(
      'Locked until 09:15 UTC at one address after repeated failed logins (other addresses can still log in)',
    );
    expect(seen.body).not.toContain('Unlock login');
    expect((await admin.b.submit(profile, `${profile}/unlock`, {})).statusCode).toBe(403);

    const security = await signedIn('security_admin');
    expect((await security.b.get(profile)).body).toContain('Unlock login');
    const unlocked = await security.b.submit(profile, `${profile}/unlock`, {});
    expect(unlocked.headers.location).toBe(`${profile}?done=unlocked`);
    const after = await security.b.get(unlocked.headers.location as string);
    expect(after.body).toContain('The login is unlocked');
    expect(after.body).not.toContain('Locked until');
    expect(after.body).not.toContain('Unlock login');
    expect((await browser(await app.server()).logIn('gina', member.password)).statusCode).toBe(303);
    const audit = await app.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.memberId, member.memberId), eq(auditEvents.action, 'login.unlocked')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toEqual({ failedAttempts: 5 });
  });

  it('shows the lock ending by itself when its window has passed, and the other states', async () => {
    const member = await buildLogin(app, { username: 'hana' });
    const invited = await buildMember(app);
    const none = await buildMember(app);
    await app.deps.db.update(members).set({ invitationsSent: 1 }).where(eq(members.id, invited.id));
    const guesser = browser(await app.server());
    for (let i = 0; i < 5; i++) await guesser.logIn('hana', `guess ${i}`);
    const security = await signedIn('security_admin');
    const profile = `/admin/members/${member.memberId}`;
    expect((await security.b.get(profile)).body).toContain('Locked until 09:15 UTC');
    app.clock.advance(15 * 60_000);
    const later = await security.b.get(profile);
    expect(later.body).not.toContain('Locked until');
    expect(later.body).toContain('Active (never logged in)');
    expect((await security.b.get(`/admin/members/${invited.id}`)).body).toContain('Invited (no login yet)');
    expect((await security.b.get(`/admin/members/${none.id}`)).body).toContain('<dd>No login</dd>');
  });
});
