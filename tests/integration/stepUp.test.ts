import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts } from '../../src/db/schema.ts';
import { stepUpDue } from '../../src/domain/stepUp/secondStepAt.ts';
import { totpCode } from '../../src/domain/twoStep/totp.ts';
import { paths } from '../../src/http/paths.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { softPasskey } from '../webauthnAuthenticator.ts';

const app = useTestApp();
const MINUTE = 60_000;
const later = (ms: number) => app.clock.set(new Date(app.clock.now().getTime() + ms));
type Browser = ReturnType<typeof browser>;

/** A Security Administrator signed in with their authenticator code just now, and a member to act on. */
async function signedInAdmin() {
  const admin = await buildLogin(app, { role: 'security_admin' });
  const b = browser(await app.server());
  await b.logIn(admin.username, admin.password);
  const target = await buildLogin(app);
  return { admin, b, target, profile: `/admin/members/${target.memberId}` };
}

const roleOf = async (accountId: number) =>
  (await app.deps.db.select({ role: accounts.role }).from(accounts).where(eq(accounts.id, accountId)))[0]!
    .role;

const changeRole = (b: Browser, profile: string, fields: Record<string, string>) =>
  b.submit(profile, `${profile}/role`, fields);

describe('step-up: dangerous actions ask for the second step again after STEP_UP_MINUTES', () => {
  it('does not ask while the sign-in is fresh, asks once it is older, and is fresh again after a right code', async () => {
    const { admin, b, target, profile } = await signedInAdmin();
    expect(readPage((await b.get(profile)).body).queryByLabelText('Code')).toBeNull();
    later(5 * MINUTE); // exactly STEP_UP_MINUTES (5 by default): still fresh
    expect((await changeRole(b, profile, { role: 'admin' })).statusCode).toBe(303);
    expect(await roleOf(target.accountId)).toBe('admin');

    later(1 * MINUTE + 1);
    const page = readPage((await b.get(profile)).body);
    page.field('Code');
    const asked = await changeRole(b, profile, { role: 'member' });
    expect(asked.statusCode).toBe(401);
    expect(readPage(asked.body).errorFor('Code')).toMatch(/needs your second step again/);
    expect(await roleOf(target.accountId)).toBe('admin');

    const wrong = await changeRole(b, profile, { role: 'member', code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(readPage(wrong.body).errorFor('Code')).toMatch(/not right/);
    // What was chosen is kept on the form that asks again.
    expect(readPage(wrong.body).field('Access level').value).toBe('member');

    const right = await changeRole(b, profile, {
      role: 'member',
      code: totpCode(admin.totpSecret!, app.clock.now()),
    });
    expect(right.statusCode).toBe(303);
    expect(await roleOf(target.accountId)).toBe('member');
    // Fresh again: the next dangerous action within the window is not asked.
    later(4 * MINUTE);
    expect((await changeRole(b, profile, { role: 'admin' })).statusCode).toBe(303);
    expect(readPage((await b.get(profile)).body).queryByLabelText('Code')).toBeNull();
  });

  it('throttles wrong step-up codes like the sign-in second step', async () => {
    const { admin, b, profile } = await signedInAdmin();
    later(10 * MINUTE);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await changeRole(b, profile, { role: 'admin', code: '000000' })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    // Throttled: even the right code waits.
    const right = await changeRole(b, profile, {
      role: 'admin',
      code: totpCode(admin.totpSecret!, app.clock.now()),
    });
    expect(right.statusCode).toBe(429);
    expect(readPage(right.body).errorFor('Code')).toMatch(/Too many wrong codes/);
  });

  it('accepts a passkey as the step-up', async () => {
    const { b, target, profile } = await signedInAdmin();
    const key = softPasskey('http://portal.test');
    const regOptions = (await b.submit('/home/security', '/home/security/passkeys/options', {})).json();
    await b.submit('/home/security', '/home/security/passkeys', {
      name: 'Key',
      credential: key.register(regOptions),
    });
    later(6 * MINUTE);
    const options = (await b.submit(profile, '/home/security/step-up/options', {})).json();
    const done = await changeRole(b, profile, { role: 'admin', stepUpCredential: key.authenticate(options) });
    expect(done.statusCode).toBe(303);
    expect(await roleOf(target.accountId)).toBe('admin');
    // An answer is good once: its challenge is used up.
    later(6 * MINUTE);
    const again = await changeRole(b, profile, {
      role: 'member',
      stepUpCredential: key.authenticate(options),
    });
    expect(again.statusCode).toBe(401);
  });

  it('asks on the Change login forms and Clear All Usernames too (field Code), keeping what was typed', async () => {
    const { b, target } = await signedInAdmin();
    later(6 * MINUTE);
    const changeLogin = readPage((await b.get(`/admin/members/${target.memberId}/login`)).body);
    expect(changeLogin.getAllByLabelText('Code')).toHaveLength(2); // username form and password form
    const username = await b.submit(
      `/admin/members/${target.memberId}/login`,
      `/admin/members/${target.memberId}/login/username`,
      {
        username: 'renamed-person',
      },
    );
    expect(username.statusCode).toBe(401);
    // The typed username is kept on the page that asks again.
    expect(readPage(username.body).field('Username').value).toBe('renamed-person');
    readPage((await b.get(paths.clearAllUsernames)).body).field('Code');
  });
});

describe('stepUpDue', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('never asks a login without a second step, and asks when the last one is unknown or too old', () => {
    expect(stepUpDue({ hasSecondStep: false, secondStepAt: null }, now, 5 * MINUTE)).toBe(false);
    expect(stepUpDue({ hasSecondStep: true, secondStepAt: null }, now, 5 * MINUTE)).toBe(true);
    const at = (ms: number) => new Date(now.getTime() - ms);
    expect(stepUpDue({ hasSecondStep: true, secondStepAt: at(5 * MINUTE) }, now, 5 * MINUTE)).toBe(false);
    expect(stepUpDue({ hasSecondStep: true, secondStepAt: at(5 * MINUTE + 1) }, now, 5 * MINUTE)).toBe(true);
  });
});

describe('step-up guards creating an API token and a webhook endpoint', () => {
  it('asks for the second step again before a stale session creates either, keeping what was typed', async () => {
    const { admin, b } = await signedInAdmin();
    later(6 * MINUTE);
    const token = { name: 'CiviCRM sync', 'roster:read': 'on', expiresDays: '90' };
    const askedToken = await b.submit(paths.apiTokens, paths.apiTokens, token);
    expect(askedToken.statusCode).toBe(401);
    expect(readPage(askedToken.body).field('Name').value).toBe('CiviCRM sync');
    const hook = { url: 'https://crm.example.org/hooks', loginCreated: 'on' };
    const askedHook = await b.submit(paths.webhooks, paths.webhooks, hook);
    expect(askedHook.statusCode).toBe(401);
    expect(readPage(askedHook.body).errorFor('Code')).toMatch(/needs your second step again/);

    const code = totpCode(admin.totpSecret!, app.clock.now());
    const created = await b.submit(paths.apiTokens, paths.apiTokens, { ...token, code });
    expect(created.statusCode).toBe(200);
    expect(readPage(created.body).field('API token').value).toMatch(/^gh_/);
    // Fresh again: the endpoint is added without another code.
    expect((await b.submit(paths.webhooks, paths.webhooks, hook)).statusCode).toBe(200);
  });
});
