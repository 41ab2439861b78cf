import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { passkeys } from '../../src/db/schema.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { softPasskey } from '../webauthnAuthenticator.ts';
import { auditActions, emailsOfKind, passwordStep } from './twoStep.helpers.ts';

const app = useTestApp();
const ORIGIN = 'http://portal.test'; // PUBLIC_URL of the test app
type Browser = ReturnType<typeof browser>;

/** What passkeys.js does: POST for the options (with the page's CSRF token), then the browser's answer. */
async function optionsFrom(b: Browser, formPage: string, action: string) {
  const res = await b.submit(formPage, action, {});
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json() as {
    challenge: string;
    allowCredentials?: { id: string }[];
    excludeCredentials?: { id: string }[];
  };
}

async function addPasskey(b: Browser, name: string, key = softPasskey(ORIGIN)) {
  const options = await optionsFrom(b, '/home/security', '/home/security/passkeys/options');
  const res = await b.submit('/home/security', '/home/security/passkeys', {
    name,
    credential: key.register(options),
  });
  return { key, res, options };
}

async function signedInMember() {
  const member = await buildLogin(app);
  const b = browser(await app.server());
  await b.logIn(member.username, member.password);
  return { member, b };
}

describe('passkeys on /home/security', () => {
  it('adds several named passkeys, verified against the kept challenge, and emails and audits each', async () => {
    const { member, b } = await signedInMember();
    const empty = readPage((await b.get('/home/security')).body);
    empty.getByRole('heading', { level: 2, name: 'Passkeys' });
    empty.getByText('You have no passkeys yet.');
    empty.field('Passkey name');
    empty.getByRole('button', { name: 'Add a passkey', hidden: true });

    const first = await addPasskey(b, 'Work laptop');
    expect(first.res.statusCode).toBe(303);
    expect(first.res.headers.location).toBe('/home/security?passkey=added');
    const second = await addPasskey(b, 'Security key');
    expect(second.res.statusCode).toBe(303);
    // The second request excluded the first passkey, so one authenticator is not added twice.
    expect(second.options.excludeCredentials?.map((c) => c.id)).toEqual([first.key.id]);

    const page = readPage((await b.get('/home/security?passkey=added')).body);
    const table = page.getByRole('table', { name: 'Your passkeys' });
    expect(table.textContent).toContain('Work laptop');
    expect(table.textContent).toContain('Security key');
    page.getByRole('button', { name: 'Remove passkey Work laptop' });
    const rows = await app.deps.db.select().from(passkeys).where(eq(passkeys.accountId, member.accountId));
    expect(rows.map((r) => r.name)).toEqual(['Work laptop', 'Security key']);
    expect(rows[0]!.transports).toBe('internal');
    expect(
      (await emailsOfKind(app, 'second_step_added')).filter((m) => m.memberId === member.memberId),
    ).toHaveLength(2);
    expect(await auditActions(app, 'two_step.passkey_added')).toHaveLength(2);
  });

  it('refuses an answer to no challenge, a used challenge, another origin, or without a name', async () => {
    const { b } = await signedInMember();
    const key = softPasskey(ORIGIN);
    const noOptions = await b.submit('/home/security', '/home/security/passkeys', {
      name: 'Phone',
      credential: key.register({ challenge: 'bm90LWdpdmVu' }),
    });
    expect(noOptions.statusCode).toBe(400);
    expect(readPage(noOptions.body).errorFor('Passkey name')).toMatch(/not made/);

    const options = await optionsFrom(b, '/home/security', '/home/security/passkeys/options');
    const elsewhere = await b.submit('/home/security', '/home/security/passkeys', {
      name: 'Phone',
      credential: key.register(options, 'https://evil.example'),
    });
    expect(elsewhere.statusCode).toBe(400);
    // The challenge was used up by the refused answer: the right answer to it is refused too.
    const replay = await b.submit('/home/security', '/home/security/passkeys', {
      name: 'Phone',
      credential: key.register(options),
    });
    expect(replay.statusCode).toBe(400);

    const nameless = await addPasskey(b, '   ');
    expect(nameless.res.statusCode).toBe(400);
    expect(readPage(nameless.res.body).errorFor('Passkey name')).toMatch(/Give the passkey a name/);
  });

  it('renames and removes a passkey (removal needs the tick), emailing the removal', async () => {
    const { member, b } = await signedInMember();
    await addPasskey(b, 'Phone');
    const [row] = await app.deps.db.select().from(passkeys).where(eq(passkeys.accountId, member.accountId));
    const renamed = await b.submit('/home/security', `/home/security/passkeys/${row!.id}/name`, {
      name: 'Old phone',
    });
    expect(renamed.headers.location).toBe('/home/security?passkey=renamed');

    const unticked = await b.submit('/home/security', `/home/security/passkeys/${row!.id}/remove`, {});
    expect(unticked.statusCode).toBe(400);
    expect(readPage(unticked.body).getByRole('table', { name: 'Your passkeys' }).textContent).toContain(
      'Old phone',
    );
    const removed = await b.submit('/home/security', `/home/security/passkeys/${row!.id}/remove`, {
      confirm: 'on',
    });
    expect(removed.headers.location).toBe('/home/security?passkey=removed');
    readPage((await b.get('/home/security?passkey=removed')).body).getByText('You have no passkeys yet.');
    expect(
      (await emailsOfKind(app, 'second_step_removed')).filter((m) => m.memberId === member.memberId),
    ).toHaveLength(1);
    expect(await auditActions(app, 'two_step.passkey_removed')).toHaveLength(1);
  });

  it('does not remove the last second step of a role that requires one', async () => {
    const admin = await buildLogin(app, { role: 'security_admin' });
    const b = browser(await app.server());
    await b.logIn(admin.username, admin.password);
    await addPasskey(b, 'Key');
    // The authenticator can go: the passkey is left.
    const app1 = await b.submit('/home/security', '/home/security/authenticator/remove', { confirm: 'yes' });
    expect(app1.statusCode).toBe(303);
    const [row] = await app.deps.db.select().from(passkeys).where(eq(passkeys.accountId, admin.accountId));
    const last = await b.submit('/home/security', `/home/security/passkeys/${row!.id}/remove`, {
      confirm: 'on',
    });
    expect(last.statusCode).toBe(403);
    expect(
      await app.deps.db.select().from(passkeys).where(eq(passkeys.accountId, admin.accountId)),
    ).toHaveLength(1);
  });
});

describe('signing in with a passkey', () => {
  it('offers Use a passkey at /login/verify and opens the session with a valid assertion, once', async () => {
    const { member, b } = await signedInMember();
    const { key } = await addPasskey(b, 'Laptop');

    const c = browser(await app.server());
    const password = await passwordStep(c, member.username, member.password);
    expect(password.headers.location).toMatch(/^\/login\/verify/);
    const verify = readPage((await c.get('/login/verify')).body);
    verify.field('Code');
    // Hidden until passkeys.js finds a browser that can use passkeys.
    verify.getByRole('button', { name: 'Use a passkey', hidden: true });

    const options = await optionsFrom(c, '/login/verify', '/login/verify/passkey/options');
    expect(options.allowCredentials?.map((k) => k.id)).toEqual([key.id]);
    const answer = key.authenticate(options);
    const signedIn = await c.submit('/login/verify', '/login/verify/passkey', { credential: answer });
    expect(signedIn.statusCode).toBe(303);
    expect((await c.get('/home')).statusCode).toBe(200);
    const [row] = await app.deps.db.select().from(passkeys).where(eq(passkeys.accountId, member.accountId));
    expect(row!.counter).toBe(1);
    expect(row!.lastUsedAt).toEqual(app.clock.now());

    // The same answer again, at another sign-in: its challenge is gone.
    const d = browser(await app.server());
    await passwordStep(d, member.username, member.password);
    await optionsFrom(d, '/login/verify', '/login/verify/passkey/options');
    const replay = await d.submit('/login/verify', '/login/verify/passkey', { credential: answer });
    expect(replay.statusCode).toBe(401);
    expect(readPage(replay.body).errorFor('Code')).toMatch(/not accepted/);
  });

  it("refuses another login's passkey and a login with no passkey is not offered the button", async () => {
    const one = await signedInMember();
    await addPasskey(one.b, 'Mine');
    const two = await signedInMember();
    const { key: theirs } = await addPasskey(two.b, 'Theirs');

    const c = browser(await app.server());
    await passwordStep(c, one.member.username, one.member.password);
    const options = await optionsFrom(c, '/login/verify', '/login/verify/passkey/options');
    const wrong = await c.submit('/login/verify', '/login/verify/passkey', {
      credential: theirs.authenticate(options),
    });
    expect(wrong.statusCode).toBe(401);
    expect((await c.get('/home')).statusCode).toBe(302);

    const plain = await buildLogin(app, { role: 'admin', secondStep: true });
    const p = browser(await app.server());
    await passwordStep(p, plain.username, plain.password);
    const page = readPage((await p.get('/login/verify')).body);
    expect(page.queryByRole('button', { name: 'Use a passkey', hidden: true })).toBeNull();
  });
});
