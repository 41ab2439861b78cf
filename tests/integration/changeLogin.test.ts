import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents, emailMessages, loginThrottle, members } from '../../src/db/schema.ts';
import { loginLock } from '../../src/domain/auth/loginThrottle.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

const app = useTestApp();
const TEMPORARY = 'lantern biscuit harbour 58';

const pageOf = (memberId: number) => `/admin/members/${memberId}/login`;

async function signedIn(role: 'member' | 'admin' | 'security_admin', username?: string) {
  const login = await buildLogin(app, { role, username });
  const b = browser(await app.server());
  expect((await b.logIn(login.username, login.password)).statusCode).toBe(303);
  return { ...login, b };
}

/** What the profile's Login section says after its term (e.g. "State"), as a reader hears it. */
function loginFact(page: Page, term: string): string {
  const login = page.inside(page.getByRole('region', { name: 'Login' }));
  const dt = login.getByText(term, { selector: 'dt' });
  const dd = dt.nextElementSibling;
  expect(dd?.tagName).toBe('DD');
  return (dd?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The Login section of a member's profile: its State, and the repairs offered there. */
async function loginSectionOf(b: { get: (url: string) => Promise<{ body: string }> }, memberId: number) {
  const page = readPage((await b.get(`/admin/members/${memberId}`)).body);
  const login = page.inside(page.getByRole('region', { name: 'Login' }));
  return {
    state: loginFact(page, 'State'),
    unlock: login.queryByRole('button', { name: 'Unlock login' }),
    changeLogin: login.link('Change login'),
    page,
  };
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
    expect((await loginSectionOf(security.b, member.memberId)).changeLogin).toBe(pageOf(member.memberId));
    const res = await security.b.get(pageOf(member.memberId));
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.text).toContain('Current username: ann.');
    expect(page.getByText('ann', { selector: 'strong' })).toBeTruthy();
    expect(page.valueOf('Username')).toBe('ann');
    page.getByRole('heading', { level: 2, name: 'Change Username' });
    page.getByRole('heading', { level: 2, name: 'Change Password' });
    page.getByRole('button', { name: 'Change Username' });
    page.getByRole('button', { name: 'Change Password' });

    const taken = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/username`, {
      username: 'taken.NAME',
    });
    expect(taken.statusCode).toBe(409);
    const takenPage = readPage(taken.body);
    expect(takenPage.errorFor('Username')).toMatch(/^That username is taken\./);
    expect(takenPage.valueOf('Username')).toBe('taken.NAME');
    const invalid = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/username`, {
      username: 'ann smith',
    });
    expect(invalid.statusCode).toBe(400);
    const invalidPage = readPage(invalid.body);
    expect(invalidPage.errorFor('Username')).toBeTruthy();
    expect(invalidPage.valueOf('Username')).toBe('ann smith');
    expect(await messagesOf(member.memberId)).toHaveLength(0);
    expect((await member.b.get('/home')).statusCode).toBe(200);

    const done = await security.b.submit(pageOf(member.memberId), `${pageOf(member.memberId)}/username`, {
      username: ' Ann.Lee ',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${pageOf(member.memberId)}?done=username`);
    const after = readPage((await security.b.get(done.headers.location as string)).body);
    expect(after.status()).toContain('The username is changed.');
    expect(after.text).toContain('Current username: Ann.Lee.');
    expect(after.getByText('Ann.Lee', { selector: 'strong' })).toBeTruthy();

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
    expect(readPage(page.body).status()).toContain('Your other sessions were ended');
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
    expect(readPage(weak.body).errorFor('New password')).toBeTruthy();
    expect((await member.b.get('/home')).statusCode).toBe(200);

    const done = await security.b.submit(pageOf(member.memberId), action, { newPassword: TEMPORARY });
    expect(done.headers.location).toBe(`${pageOf(member.memberId)}?done=password`);
    const notice = readPage((await security.b.get(done.headers.location as string)).body).status();
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
    expect(readPage((await security.b.get(res.headers.location as string)).body).status()).toContain(
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
    const res = await security.b.get(pageOf(member.id));
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.text).toContain('Erin Nologin has no login yet');
    expect(page.link(/^Back to Erin Nologin.s profile$/)).toBe(`/admin/members/${member.id}`);
    expect(page.queryByRole('heading', { name: 'Change Username' })).toBeNull();
    expect(page.queryByRole('button', { name: 'Change Username' })).toBeNull();
    expect(page.queryByLabelText('Username')).toBeNull();
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
    expect(readPage(page.body).text).toContain('Security Administrator access level');
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
    // The Administrator sees the Login section, without the Change login link.
    const seen = await loginSectionOf(admin.b, member.memberId);
    expect(loginFact(seen.page, 'Username')).toBe('frank');
    expect(seen.changeLogin).toBeNull();
    expect(seen.page.queryByText('Change login')).toBeNull();
  });
});

describe('Profile: locked logins', () => {
  it('shows the lock with its end, lets a Security Administrator unlock it, and audits that', async () => {
    const member = await buildLogin(app, { username: 'gina' });
    const guesser = browser(await app.server());
    for (let i = 0; i < 5; i++) await guesser.logIn('GINA', `guess ${i}`);
    const profile = `/admin/members/${member.memberId}`;

    const admin = await signedIn('admin');
    const seen = await loginSectionOf(admin.b, member.memberId);
    // Locked at 09:00 for the 15-minute window.
    expect(seen.state).toBe(
      'Locked until 09:15 UTC at one address after repeated failed logins (other addresses can still log in)',
    );
    expect(seen.unlock).toBeNull();
    expect(seen.page.queryByRole('button', { name: 'Unlock login' })).toBeNull();
    expect((await admin.b.submit(profile, `${profile}/unlock`, {})).statusCode).toBe(403);

    const security = await signedIn('security_admin');
    expect((await loginSectionOf(security.b, member.memberId)).unlock).not.toBeNull();
    const unlocked = await security.b.submit(profile, `${profile}/unlock`, {});
    expect(unlocked.headers.location).toBe(`${profile}?done=unlocked`);
    const after = readPage((await security.b.get(unlocked.headers.location as string)).body);
    expect(after.status()).toContain('The login is unlocked');
    // Unlocked: the State says so, and no Unlock login button is left anywhere on the page.
    expect(loginFact(after, 'State')).toBe('Active (never logged in)');
    expect(after.text).not.toContain('Locked until');
    expect(after.queryByRole('button', { name: 'Unlock login' })).toBeNull();
    after.getByRole('link', { name: 'Change login' });
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
    expect((await loginSectionOf(security.b, member.memberId)).state).toMatch(/^Locked until 09:15 UTC /);
    app.clock.advance(15 * 60_000);
    const later = await loginSectionOf(security.b, member.memberId);
    expect(later.state).toBe('Active (never logged in)');
    expect(later.page.text).not.toContain('Locked until');
    expect(later.unlock).toBeNull();
    expect((await loginSectionOf(security.b, invited.id)).state).toBe('Invited (no login yet)');
    expect((await loginSectionOf(security.b, none.id)).state).toBe('No login');
  });
});
