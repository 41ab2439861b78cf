import { describe, expect, it } from 'vitest';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const NEW_PASSWORD = 'marble kettle orchard 77';

describe('a member changes their own password', () => {
  it('needs the current password, checks strength, and ends the other sessions', async () => {
    const member = await buildLogin(app);
    const server = await app.server();
    const here = browser(server);
    const elsewhere = browser(server);
    await here.logIn(member.username, member.password);
    await elsewhere.logIn(member.username, member.password);

    const wrongCurrent = await here.submit('/home', '/home/password', {
      currentPassword: 'not my password',
      newPassword: NEW_PASSWORD,
    });
    expect(wrongCurrent.statusCode).toBe(400);
    expect(readPage(wrongCurrent.body).errorFor('Current password')).toBe(
      'That is not your current password.',
    );

    const tooShort = await here.submit('/home', '/home/password', {
      currentPassword: member.password,
      newPassword: 'short',
    });
    expect(readPage(tooShort.body).errorFor('New password')).toContain('at least 12 characters');
    const common = await here.submit('/home', '/home/password', {
      currentPassword: member.password,
      newPassword: 'password12345',
    });
    expect(common.statusCode).toBe(400);
    expect(readPage(common.body).errorFor('New password')).toContain('too easy to guess');

    const ok = await here.submit('/home', '/home/password', {
      currentPassword: member.password,
      newPassword: NEW_PASSWORD,
    });
    expect(ok.headers.location).toBe('/home?changed=1');
    expect((await here.get('/home')).statusCode).toBe(200);
    expect((await elsewhere.get('/home')).statusCode).toBe(302);

    const fresh = browser(server);
    expect((await fresh.logIn(member.username, member.password)).statusCode).toBe(401);
    expect((await fresh.logIn(member.username, NEW_PASSWORD)).statusCode).toBe(303);
  });

  it('honours a configured minimum length', async () => {
    const strict = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(strict.username, strict.password);
    const res = await b.submit('/home', '/home/password', {
      currentPassword: strict.password,
      newPassword: 'x'.repeat(app.config.passwordMinLength - 1),
    });
    expect(readPage(res.body).errorFor('New password')).toContain(
      `at least ${app.config.passwordMinLength} characters`,
    );
  });
});
