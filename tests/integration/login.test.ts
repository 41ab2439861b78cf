import { describe, expect, it } from 'vitest';
import { WRONG_CREDENTIALS } from '../../src/domain/auth/logIn.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

describe('logging in and out', () => {
  it('signs a member in with a new session and out again', async () => {
    const member = await buildLogin(app, { role: 'member' });
    const b = browser(await app.server());
    const res = await b.logIn(member.username, member.password);
    expect(res.statusCode).toBe(303);
    const home = await b.get('/home');
    expect(home.statusCode).toBe(200);
    readPage(home.body).getByRole('heading', { level: 1, name: /^Welcome, First\d+$/ });
    const logout = await b.submit('/home', '/logout', {});
    expect(logout.headers.location).toBe('/login?loggedOut=1');
    expect((await b.get('/home')).statusCode).toBe(302);
  });

  it('gives the same answer for an unknown username and a wrong password', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    const wrongPassword = await b.logIn(member.username, 'not the password at all');
    const unknownUser = await b.logIn('nobody-here', 'not the password at all');
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownUser.statusCode).toBe(401);
    const message = (body: string) => readPage(body).errorFor('Username');
    expect(message(wrongPassword.body)).toBe(WRONG_CREDENTIALS);
    expect(message(unknownUser.body)).toBe(message(wrongPassword.body));
  });

  it('rate limits repeated failures for one account, whether or not it exists', async () => {
    const member = await buildLogin(app);
    for (const username of [member.username, 'ghost']) {
      const b = browser(await app.server());
      for (let i = 0; i < 5; i++) expect((await b.logIn(username, `wrong ${i}`)).statusCode).toBe(401);
      const blocked = await b.logIn(username, username === 'ghost' ? 'x' : member.password);
      expect(blocked.statusCode).toBe(429);
      expect(readPage(blocked.body).errorFor('Username')).toContain('Too many failed attempts');
    }
    app.clock.advance(16 * 60_000);
    const b = browser(await app.server());
    expect((await b.logIn(member.username, member.password)).statusCode).toBe(303);
  });

  it('rotates the session at login and ends it after the idle timeout', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    const first = b.cookies;
    // Logging in again from a signed-in browser replaces the session rather than reusing it.
    await b.submit('/home', '/login', { username: member.username, password: member.password });
    expect(b.cookies).not.toBe(first);
    const server = await app.server();
    expect((await server.inject({ url: '/home', headers: { cookie: first } })).statusCode).toBe(302);
    app.clock.advance(app.config.sessionIdleMs + 1000);
    expect((await b.get('/home')).statusCode).toBe(302);
  });

  it('refuses a POST without the CSRF token', async () => {
    const server = await app.server();
    const res = await server.inject({
      method: 'POST',
      url: '/login',
      payload: { username: 'a', password: 'b' },
    });
    expect(res.statusCode).toBe(403);
    readPage(res.body).getByRole('heading', { level: 1, name: 'This form has expired' });
  });
});
