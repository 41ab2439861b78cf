import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/db/schema.ts';
import { browser, buildLogin, csrfFrom, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

// Served over https: cookies get the __Host- prefix and Secure.
const app = useTestApp({ PUBLIC_URL: 'https://portal.test' });
const SESSION = '__Host-gh_session';
const CSRF = '__Host-gh_csrf';
const NEW_PASSWORD = 'copper lantern meadow 81';

const cookie = (res: LightMyRequestResponse, name: string) => res.cookies.find((c) => c.name === name);

describe('cookies over https', () => {
  it('names the session and CSRF cookies __Host- (Secure, Path=/, no Domain)', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    const page = await b.get('/login');
    const csrf = cookie(page, CSRF);
    expect(csrf).toMatchObject({ path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(csrf?.domain).toBeUndefined();
    const res = await b.logIn(member.username, member.password);
    expect(res.statusCode).toBe(303);
    const session = cookie(res, SESSION);
    expect(session).toMatchObject({ path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(session?.domain).toBeUndefined();
    expect(res.cookies.map((c) => c.name)).not.toContain('gh_session');
    expect((await b.get('/home')).statusCode).toBe(200);
  });

  it('ends the session cookie with the browser unless the person asks to be remembered', async () => {
    const member = await buildLogin(app);
    const plain = await browser(await app.server()).logIn(member.username, member.password);
    expect(cookie(plain, SESSION)?.maxAge).toBeUndefined();
    expect(cookie(plain, SESSION)?.expires).toBeUndefined();
    const b = browser(await app.server());
    const kept = await b.submit('/login', '/login', {
      username: member.username,
      password: member.password,
      remember: 'yes',
    });
    expect(cookie(kept, SESSION)?.maxAge).toBe(app.config.sessionAbsoluteMs / 1000);
    const form = (await browser(await app.server()).get('/login')).body;
    const remember = readPage(form).getByRole('checkbox', { name: 'Keep me signed in' });
    expect(remember.getAttribute('name')).toBe('remember');
    expect(remember.getAttribute('value')).toBe('yes');
    expect((remember as HTMLInputElement).checked).toBe(false);
  });
});

describe('CSRF tokens bound to the session', () => {
  it('renews the CSRF secret at login and refuses a form token from before it', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    const before = csrfFrom((await b.get('/login')).body);
    const login = await b.logIn(member.username, member.password);
    expect(cookie(login, CSRF)?.value).toBeTruthy();
    const server = await app.server();
    const stale = await server.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(before)}`,
    });
    expect(stale.statusCode).toBe(403);
    readPage(stale.body).getByRole('heading', { level: 1, name: 'This form has expired' });
  });

  it("refuses one session's token in another session, even with the same CSRF secret", async () => {
    const first = await buildLogin(app);
    const second = await buildLogin(app);
    const server = await app.server();
    const a = browser(server);
    await a.logIn(first.username, first.password);
    const tokenOfA = csrfFrom((await a.get('/home')).body);
    const b = browser(server);
    await b.logIn(second.username, second.password);
    await b.get('/home');
    // B's session cookie with A's CSRF secret cookie and A's token: only the session differs.
    const isSession = (c: string) => c.includes('gh_session=');
    const mixed = [
      ...a.cookies.split('; ').filter((c) => !isSession(c)),
      ...b.cookies.split('; ').filter(isSession),
    ].join('; ');
    const res = await server.inject({
      method: 'POST',
      url: '/home/password',
      headers: { cookie: mixed, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: tokenOfA,
        currentPassword: second.password,
        newPassword: NEW_PASSWORD,
      }).toString(),
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('session renewed when a person changes their own password', () => {
  it('issues a new session token on Change my password and ends the old one', async () => {
    const member = await buildLogin(app);
    const server = await app.server();
    const b = browser(server);
    await b.submit('/login', '/login', {
      username: member.username,
      password: member.password,
      remember: 'yes',
    });
    const oldCookies = b.cookies;
    const res = await b.submit('/home', '/home/password', {
      currentPassword: member.password,
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    const renewed = cookie(res, SESSION);
    expect(renewed?.value).toBeTruthy();
    expect(oldCookies).not.toContain(renewed!.value);
    // "Keep me signed in" survives the renewal.
    expect(renewed?.maxAge).toBe(app.config.sessionAbsoluteMs / 1000);
    expect((await server.inject({ url: '/home', headers: { cookie: oldCookies } })).statusCode).toBe(302);
    expect((await b.get('/home?changed=1')).statusCode).toBe(200);
  });

  it('issues a new session token when choosing a password after a temporary one', async () => {
    const member = await buildLogin(app, { password: GOOD_PASSWORD });
    await app.deps.db
      .update(accounts)
      .set({ mustChangePassword: true })
      .where(eq(accounts.id, member.accountId));
    const server = await app.server();
    const b = browser(server);
    await b.logIn(member.username, member.password);
    const oldCookies = b.cookies;
    const res = await b.submit('/home/choose-password', '/home/choose-password', {
      newPassword: NEW_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    const renewed = cookie(res, SESSION);
    expect(renewed?.value).toBeTruthy();
    expect(oldCookies).not.toContain(renewed!.value);
    expect(renewed?.maxAge).toBeUndefined();
    expect((await server.inject({ url: '/home', headers: { cookie: oldCookies } })).statusCode).toBe(302);
    expect((await b.get('/home')).statusCode).toBe(200);
  });
});
