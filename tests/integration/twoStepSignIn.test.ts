import { describe, expect, it } from 'vitest';
import { issuePasswordResets } from '../../src/domain/accounts/passwordResets.ts';
import { totpCode } from '../../src/domain/twoStep/totp.ts';
import { browser, buildLogin, giveAuthenticator } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { auditActions, passwordStep, setUpAuthenticator, typeCode } from './twoStep.helpers.ts';

const app = useTestApp();
const later = (ms: number) => app.clock.set(new Date(app.clock.now().getTime() + ms));

describe('signing in with a second step', () => {
  it('creates the session only after a right code at /login/verify, then goes where the login was heading', async () => {
    const member = await buildLogin(app);
    const secret = await giveAuthenticator(app, member);
    const b = browser(await app.server());
    const first = await b.submit('/login?next=%2Fhome', '/login', {
      username: member.username,
      password: member.password,
      next: '/home',
    });
    expect(first.headers.location).toBe('/login/verify?next=%2Fhome');
    // The password alone opened nothing.
    expect((await b.get('/home')).headers.location).toMatch(/^\/login\?next=/);
    const verify = readPage((await b.get('/login/verify?next=%2Fhome')).body);
    verify.getByRole('heading', { level: 1, name: 'Two-step verification' });
    verify.field('Code');
    verify.getByRole('button', { name: 'Verify' });

    const wrong = await b.submit('/login/verify?next=%2Fhome', '/login/verify', {
      code: '000000',
      next: '/home',
    });
    expect(wrong.statusCode).toBe(401);
    expect(readPage(wrong.body).errorFor('Code')).toMatch(/not right/);
    const right = await b.submit('/login/verify?next=%2Fhome', '/login/verify', {
      code: totpCode(secret, app.clock.now()),
      next: '/home',
    });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/home');
    expect((await b.get('/home')).statusCode).toBe(200);
  });

  it('accepts a code once (replay) and only within one step of the server clock', async () => {
    const member = await buildLogin(app);
    const secret = await giveAuthenticator(app, member);
    const code = totpCode(secret, app.clock.now());
    const first = browser(await app.server());
    await passwordStep(first, member.username, member.password);
    expect((await typeCode(first, code)).statusCode).toBe(303);

    const second = browser(await app.server());
    await passwordStep(second, member.username, member.password);
    expect((await typeCode(second, code)).statusCode).toBe(401); // the same code again
    // The next step's code (an app a little ahead) is accepted once; a code two steps off is not.
    expect(
      (await typeCode(second, totpCode(secret, new Date(app.clock.now().getTime() + 60_000)))).statusCode,
    ).toBe(401);
    expect(
      (await typeCode(second, totpCode(secret, new Date(app.clock.now().getTime() + 30_000)))).statusCode,
    ).toBe(303);

    later(30_000); // the step just used is now the current one: still refused
    const third = browser(await app.server());
    await passwordStep(third, member.username, member.password);
    expect((await typeCode(third, totpCode(secret, app.clock.now()))).statusCode).toBe(401);
    later(30_000);
    expect((await typeCode(third, totpCode(secret, app.clock.now()))).statusCode).toBe(303);
  });

  it('takes each recovery code once, and audits its use', async () => {
    const member = await buildLogin(app);
    const b = browser(await app.server());
    await b.logIn(member.username, member.password);
    const { codes } = await setUpAuthenticator(app, b);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const c = browser(await app.server());
    await passwordStep(c, member.username, member.password);
    // Typed as people copy them: upper case, spaces instead of dashes.
    expect((await typeCode(c, codes[3]!.toUpperCase().replace(/-/g, ' '))).headers.location).toBe('/');
    const d = browser(await app.server());
    await passwordStep(d, member.username, member.password);
    expect((await typeCode(d, codes[3]!)).statusCode).toBe(401);
    expect((await typeCode(d, codes[4]!)).statusCode).toBe(303);
    expect(await auditActions(app, 'two_step.recovery_code_used')).toHaveLength(2);
  });

  it('throttles wrong codes with the password rules: after five, even the right code is refused', async () => {
    const member = await buildLogin(app);
    const secret = await giveAuthenticator(app, member);
    const b = browser(await app.server());
    await passwordStep(b, member.username, member.password);
    for (let i = 0; i < 5; i++) expect((await typeCode(b, `00000${i}`)).statusCode).toBe(401);
    const refused = await typeCode(b, totpCode(secret, app.clock.now()));
    expect(refused.statusCode).toBe(429);
    expect(readPage(refused.body).errorFor('Code')).toMatch(/Too many wrong codes/);
    later(15 * 60_000); // the throttle's window has passed (and the pending sign-in with it): start again
    const again = browser(await app.server());
    await passwordStep(again, member.username, member.password);
    expect((await typeCode(again, totpCode(secret, app.clock.now()))).statusCode).toBe(303);
  });

  it('lets the pending sign-in lapse after five minutes and sends the person back to log in', async () => {
    const member = await buildLogin(app);
    const secret = await giveAuthenticator(app, member);
    const b = browser(await app.server());
    await passwordStep(b, member.username, member.password);
    later(5 * 60_000 + 1);
    expect((await b.get('/login/verify')).headers.location).toBe('/login');
    // A form kept open past the five minutes (its token from the login page the browser was sent back to).
    const late = await b.submit('/login', '/login/verify', { code: totpCode(secret, app.clock.now()) });
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).toBe('/login');
    expect((await b.get('/home')).headers.location).toMatch(/^\/login\?next=/);
  });

  it('asks a login with a second step for it after a password reset link too', async () => {
    const member = await buildLogin(app);
    await giveAuthenticator(app, member);
    const [reset] = await issuePasswordResets(app.deps.db, [member.accountId], app.clock.now());
    const link = `/reset-password/${reset!.token}`;
    const b = browser(await app.server());
    const done = await b.submit(link, link, { newPassword: 'a brand new lantern 77' });
    expect(done.headers.location).toMatch(/^\/login\/verify\?next=/);
    expect((await b.get('/home')).headers.location).toMatch(/^\/login\?next=/);
  });
});
