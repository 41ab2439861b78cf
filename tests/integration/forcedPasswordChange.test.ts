import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents } from '../../src/db/schema.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const TEMPORARY = 'temporary river otter 55';
const OWN = 'my own walnut ladder 63';

/** A login whose password an administrator has just set (what helper B's Change Password does). */
async function withTemporaryPassword(role: 'member' | 'admin' = 'member') {
  const login = await buildLogin(app, { role, password: TEMPORARY });
  await app.deps.db
    .update(accounts)
    .set({ mustChangePassword: true })
    .where(eq(accounts.id, login.accountId));
  return login;
}

describe('choosing a new password after a temporary one', () => {
  it('lets the login open only the Choose a new password page until it is done', async () => {
    const member = await withTemporaryPassword();
    const b = browser(await app.server());
    expect((await b.logIn(member.username, TEMPORARY)).headers.location).toBe('/');
    const home = await b.get('/home');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/home/choose-password?next=%2Fhome');
    for (const url of ['/admin', '/admin/members', '/home?changed=1']) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/home\/choose-password\?next=/);
    }
    const page = await b.get('/home/choose-password?next=%2Fhome');
    expect(page.statusCode).toBe(200);
    const choose = readPage(page.body);
    choose.getByRole('heading', { level: 1, name: 'Choose a new password' });
    choose.field('New password');
    choose.getByRole('button', { name: 'Save new password' });
    const otherPost = await b.submit('/home/choose-password', '/home/password', {
      currentPassword: TEMPORARY,
      newPassword: OWN,
    });
    expect(otherPost.statusCode).toBe(403);
    // Logging out stays possible.
    expect((await b.submit('/home/choose-password', '/logout', {})).headers.location).toBe(
      '/login?loggedOut=1',
    );
  });

  it('checks the new password, then clears the flag, ends other sessions and goes on to /home', async () => {
    const member = await withTemporaryPassword();
    const server = await app.server();
    const elsewhere = browser(server);
    await elsewhere.logIn(member.username, TEMPORARY);
    const b = browser(server);
    await b.logIn(member.username, TEMPORARY);
    const same = await b.submit('/home/choose-password', '/home/choose-password', { newPassword: TEMPORARY });
    expect(same.statusCode).toBe(400);
    expect(readPage(same.body).errorFor('New password')).toContain('different from the temporary one');
    const weak = await b.submit('/home/choose-password', '/home/choose-password', {
      newPassword: 'password1234',
    });
    expect(readPage(weak.body).errorFor('New password')).toBeTruthy();

    const ok = await b.submit('/home/choose-password?next=%2Fhome', '/home/choose-password', {
      newPassword: OWN,
      next: '/home',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/home?chosen=1');
    expect((await b.get('/home')).statusCode).toBe(200);
    expect((await elsewhere.get('/home')).statusCode).toBe(302);
    const [row] = await app.deps.db.select().from(accounts).where(eq(accounts.id, member.accountId));
    expect(row?.mustChangePassword).toBe(false);
    const [event] = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'password.changed_by_member'));
    expect(event?.memberId).toBe(member.memberId);
    expect((await browser(server).logIn(member.username, TEMPORARY)).statusCode).toBe(401);
    expect((await browser(server).logIn(member.username, OWN)).statusCode).toBe(303);
  });

  it('sends an administrator on to /admin, or to the page they were opening', async () => {
    const admin = await withTemporaryPassword('admin');
    const b = browser(await app.server());
    await b.logIn(admin.username, TEMPORARY);
    const ok = await b.submit('/home/choose-password', '/home/choose-password', {
      newPassword: OWN,
      next: '/home',
    });
    expect(ok.headers.location).toBe('/admin');

    const other = await withTemporaryPassword('admin');
    const c = browser(await app.server());
    await c.submit('/login?next=%2Fadmin%2Fmembers', '/login', {
      username: other.username,
      password: TEMPORARY,
      next: '/admin/members',
    });
    const gate = await c.get('/admin/members');
    expect(gate.headers.location).toBe('/home/choose-password?next=%2Fadmin%2Fmembers');
    const done = await c.submit(gate.headers.location as string, '/home/choose-password', {
      newPassword: OWN,
      next: '/admin/members',
    });
    expect(done.headers.location).toBe('/admin/members');
    // Never off-site.
    const third = await withTemporaryPassword();
    const d = browser(await app.server());
    await d.logIn(third.username, TEMPORARY);
    const offsite = await d.submit('/home/choose-password', '/home/choose-password', {
      newPassword: OWN,
      next: '//evil.example/',
    });
    expect(offsite.headers.location).toBe('/home?chosen=1');
  });

  it('sends a login without a temporary password away from the form', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    expect((await b.get('/home/choose-password')).headers.location).toBe('/home');
    expect((await b.get('/home')).statusCode).toBe(200);
  });
});
