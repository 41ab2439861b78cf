import { Writable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import { queryRows } from '../../../src/db/rows.ts';
import { apiTokens, auditEvents } from '../../../src/db/schema.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/logging.ts';
import { apiClient, buildApiToken } from '../../api.ts';
import { browser, buildLogin } from '../../factories.ts';
import { useTestApp } from '../../harness.ts';
import { readPage } from '../../page.ts';

const app = useTestApp();
const PAGE = '/admin/api-tokens';
const DAY_MS = 86_400_000;

async function signedIn(role: 'member' | 'admin' | 'security_admin' = 'security_admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return Object.assign(b, { username: login.username });
}

/** Fills in the create form as a person would: the scopes are ticked checkboxes. */
const createForm = (name: string, scopes: string[], expiresDays = '90') => ({
  name,
  expiresDays,
  ...Object.fromEntries(scopes.map((s) => [s, 'on'])),
});

/** Creates a token on the page; returns the page shown and the token read from its field. */
async function createOnPage(b: Awaited<ReturnType<typeof signedIn>>, name: string, scopes = ['roster:read']) {
  const res = await b.submit(PAGE, PAGE, createForm(name, scopes));
  expect(res.statusCode).toBe(200);
  const page = readPage(res.body);
  return { res, page, token: page.valueOf('API token') };
}

/** Every row of every table as text: a secret that appears here is stored somewhere. */
async function wholeDatabase(): Promise<string> {
  const tables = await queryRows(
    app.deps.db,
    sql`select tablename from pg_tables where schemaname = 'public'`,
    { tablename: 'text' },
  );
  let text = '';
  for (const { tablename } of tables) {
    const rows = await queryRows(app.deps.db, sql.raw(`select t::text as row from "${tablename}" t`), {
      row: 'text',
    });
    text += rows.map((r) => r.row).join('\n');
  }
  return text;
}

describe('API tokens page: who may use it', () => {
  it('is for Security Administrators: Administrators and Members get 403, GET and POST', async () => {
    for (const role of ['admin', 'member'] as const) {
      const b = await signedIn(role);
      const res = await b.get(PAGE);
      expect(res.statusCode, role).toBe(403);
      expect(readPage(res.body).text).toContain('Security Administrator access level');
      const post = await b.submit('/home', PAGE, createForm('sneaky', ['roster:read']));
      expect(post.statusCode, role).toBe(403);
    }
    expect(await app.deps.db.select().from(apiTokens)).toHaveLength(0);

    const boss = await signedIn();
    expect((await boss.get(PAGE)).statusCode).toBe(200);
  });

  it('is linked from the admin home for Security Administrators only', async () => {
    const boss = await signedIn();
    expect(readPage((await boss.get('/admin')).body).link('API tokens')).toBe(PAGE);
    const admin = await signedIn('admin');
    expect(readPage((await admin.get('/admin')).body).link('API tokens')).toBeNull();
    expect(readPage((await admin.get('/admin')).body).link('Member Search')).toBe('/admin/members');
  });
});

describe('API tokens page: create', () => {
  it('says what a token is for when there is none, and links the API reference', async () => {
    const page = readPage((await (await signedIn()).get(PAGE)).body);
    expect(page.text).toContain('There are no API tokens yet');
    expect(page.queryByRole('table')).toBeNull();
    expect(page.link('API reference')).toBe('/api/docs');
    expect(page.valueOf('Expires after (days)')).toBe('90');
    expect(page.descriptionOf('Expires after (days)')).toContain(
      'Leave it empty for a token that never expires',
    );
    expect(page.descriptionOf('roster:write')).toBe('Add and update members, import a roster');
    page.getByRole('button', { name: 'Create token' });
  });

  it('shows the token once, and it works against the API at once', async () => {
    const b = await signedIn();
    const { res, page, token } = await createOnPage(b, 'CiviCRM sync', ['roster:read', 'invitations:send']);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(token).toMatch(/^gh_[\w-]{40,}$/);
    expect(page.getByRole('heading', { level: 1 }).textContent).toBe('API token created');
    expect(page.descriptionOf('API token')).toContain('It will not be shown again');
    expect(page.field('API token').readOnly).toBe(true);
    expect(page.text).toContain(`curl -H "Authorization: Bearer ${token}" http://portal.test/api/v1/token`);

    const me = await apiClient(await app.server(), token)('/api/v1/token');
    expect(me.statusCode).toBe(200);
    expect(me.json).toEqual({ name: 'CiviCRM sync', scopes: ['invitations:send', 'roster:read'] });

    // Raw-string checks: the secret's bytes must appear nowhere once that one answer is gone.
    const list = await b.get(PAGE);
    expect(list.body).not.toContain(token);
    expect(await wholeDatabase()).not.toContain(token.slice(3));
    // A reload sends the form again: refused (the name is taken), and the token is not shown.
    const again = await b.submit(PAGE, PAGE, createForm('CiviCRM sync', ['roster:read']));
    expect(again.statusCode).toBe(400);
    expect(again.body).not.toContain(token);
  });

  it('lists the token: name, first characters, scopes, who made it, expiry, last use and state', async () => {
    const b = await signedIn();
    const { token } = await createOnPage(b, 'Nightly export');
    let rows = readPage((await b.get(PAGE)).body).tableRows(/API tokens/);
    expect(rows).toEqual([
      [
        'Nightly export',
        `${token.slice(0, 10)}…`,
        'roster:read',
        `15 Jan 2026, 09:00 UTC by ${b.username}`,
        '15 Apr 2026, 09:00 UTC',
        'Never',
        'Active',
        'Revoke',
      ],
    ]);
    // Sessions time out while the clock moves: look again as a freshly signed-in person each time.
    app.clock.advance(3_600_000);
    await apiClient(await app.server(), token)('/api/v1/token');
    rows = readPage((await (await signedIn()).get(PAGE)).body).tableRows(/API tokens/);
    expect(rows[0]![5]).toMatch(/^15 Jan 2026, 10:00 UTC from \S+$/);
    app.clock.advance(90 * DAY_MS);
    rows = readPage((await (await signedIn()).get(PAGE)).body).tableRows(/API tokens/);
    expect(rows[0]![6]).toBe('Expired');
    expect((await apiClient(await app.server(), token)('/api/v1/token')).statusCode).toBe(401);
  });

  it('keeps what was typed and names the field when the input is refused', async () => {
    const b = await signedIn();
    let res = await b.submit(PAGE, PAGE, createForm('', ['roster:write'], '7'));
    expect(res.statusCode).toBe(400);
    let page = readPage(res.body);
    expect(page.errorFor('Name')).toBe('Give the token a name: which script or system will hold it?');
    expect(page.valueOf('Expires after (days)')).toBe('7');
    expect(page.field('roster:write').checked).toBe(true);
    expect(page.field('roster:read').checked).toBe(false);
    expect(page.alert()).toContain('Give the token a name');

    res = await b.submit(PAGE, PAGE, createForm('Sync', [], 'soon'));
    page = readPage(res.body);
    expect(page.getByRole('group', { name: 'Scopes' }).getAttribute('aria-describedby')).toBe('scopes-error');
    expect(page.text).toContain('Choose at least one scope.');
    expect(page.errorFor('Expires after (days)')).toMatch(/^Enter the number of days/);
    expect(page.valueOf('Name')).toBe('Sync');
    expect(page.valueOf('Expires after (days)')).toBe('soon');

    res = await b.submit(PAGE, PAGE, createForm('Sync', ['roster:read'], '0'));
    expect(readPage(res.body).errorFor('Expires after (days)')).toBe('A token must work for at least 1 day.');
    expect(await app.deps.db.select().from(apiTokens)).toHaveLength(0);
  });

  it('makes a token that never expires when the days are left empty', async () => {
    const b = await signedIn();
    const { page } = await createOnPage(b, 'Forever');
    expect(page.status()).toContain('works until');
    const res = await b.submit(PAGE, PAGE, createForm('Always', ['roster:read'], ''));
    expect(readPage(res.body).status()).toContain('It does not expire.');
    const rows = readPage((await b.get(PAGE)).body).tableRows(/API tokens/);
    expect(rows.map((r) => [r[0], r[4]])).toEqual([
      ['Always', 'Never'],
      ['Forever', '15 Apr 2026, 09:00 UTC'],
    ]);
  });

  it('refuses a second live token of the same name (any case), and takes the name again once revoked', async () => {
    const b = await signedIn();
    await createOnPage(b, 'Sync');
    const res = await b.submit(PAGE, PAGE, createForm('SYNC', ['roster:write'], '30'));
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.errorFor('Name')).toBe(
      'A token named “SYNC” already exists. Revoke it first, or choose another name.',
    );
    expect(page.field('roster:write').checked).toBe(true);
    const [first] = await app.deps.db.select().from(apiTokens);
    await b.submit(revokeUrl(first!.id), revokeUrl(first!.id), {});
    const { token } = await createOnPage(b, 'SYNC');
    expect(token).toMatch(/^gh_/);
  });
});

const revokeUrl = (id: number) => `${PAGE}/${id}/revoke`;

describe('API tokens page: revoke', () => {
  it('asks first, then revokes: the token answers 401 from then on, audited once', async () => {
    const b = await signedIn();
    const { token } = await createOnPage(b, 'Old script');
    await createOnPage(b, 'New script');
    const list = readPage((await b.get(PAGE)).body);
    const href = list.getByRole('link', { name: 'Revoke', description: 'Old script' }).getAttribute('href')!;

    const confirm = readPage((await b.get(href)).body);
    expect(confirm.getByRole('heading', { level: 1 }).textContent).toBe('Revoke API token “Old script”');
    expect(confirm.text).toContain('refused (401)');
    confirm.getByRole('button', { name: 'Revoke token' });
    expect(confirm.link('Cancel')).toBe(PAGE);
    // Looking at the question changes nothing.
    expect((await apiClient(await app.server(), token)('/api/v1/token')).statusCode).toBe(200);

    const done = await b.submit(href, href, {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${PAGE}?done=revoked`);
    const after = readPage((await b.get(done.headers.location as string)).body);
    expect(after.status()).toContain('Token revoked');
    const rows = after.tableRows(/API tokens/);
    expect(rows.map((r) => [r[0], r[6], r[7]])).toEqual([
      ['New script', 'Active', 'Revoke'],
      ['Old script', `Revoked 15 Jan 2026, 09:00 UTC by ${b.username}`, ''],
    ]);
    const refused = await apiClient(await app.server(), token)('/api/v1/token');
    expect(refused.statusCode).toBe(401);
    expect(refused.json.error.message).toMatch(/revoked/);

    // Revoking twice (a second tab, a resent form) is harmless: nothing changes, one audit event.
    const twice = await b.submit(href, href, {});
    expect(twice.headers.location).toBe(`${PAGE}?done=already`);
    expect(readPage((await b.get(href)).body).queryByRole('button', { name: 'Revoke token' })).toBeNull();
    const events = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'api_token.revoked'));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorLabel).toBe(b.username);
    expect(events[0]!.details).toEqual({ tokenId: expect.any(Number), name: 'Old script' });
  });

  it('answers 404 for a token that does not exist, and keeps revoked tokens listed for 30 days', async () => {
    const b = await signedIn();
    expect((await b.get(revokeUrl(999))).statusCode).toBe(404);
    expect((await b.get(`${PAGE}/abc/revoke`)).statusCode).toBe(404);
    await createOnPage(b, 'Gone soon');
    const [row] = await app.deps.db.select().from(apiTokens);
    await b.submit(revokeUrl(row!.id), revokeUrl(row!.id), {});
    app.clock.advance(29 * DAY_MS);
    expect(readPage((await (await signedIn()).get(PAGE)).body).tableRows(/API tokens/)).toHaveLength(1);
    app.clock.advance(2 * DAY_MS);
    expect(readPage((await (await signedIn()).get(PAGE)).body).text).toContain('There are no API tokens yet');
  });

  it('refuses an edited page link with a message, not a 500', async () => {
    const b = await signedIn();
    const res = await b.get(`${PAGE}?after=not-a-cursor`);
    expect(res.statusCode).toBe(400);
    expect(readPage(res.body).alert()).toContain('out of date');
  });
});

describe('API tokens: the secret stays out of the logs and the Audit Log', () => {
  it('is in no log line and no audit detail, from creation through use to revocation', async () => {
    let output = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        output += chunk;
        done();
      },
    });
    const logger = createLogger('debug', stream);
    const server = await buildServer({ ...app, deps: app.deps, database: app.database, logger } as App);
    try {
      const login = await buildLogin(app, { role: 'security_admin' });
      const b = browser(server);
      await b.logIn(login.username, login.password);
      const res = await b.submit(PAGE, PAGE, createForm('Logged', ['roster:read']));
      const token = readPage(res.body).valueOf('API token');
      expect((await apiClient(server, token)('/api/v1/token')).statusCode).toBe(200);
      expect((await apiClient(server, `${token}x`)('/api/v1/token')).statusCode).toBe(401);
      const [row] = await app.deps.db.select().from(apiTokens);
      await b.submit(revokeUrl(row!.id), revokeUrl(row!.id), {});

      expect(output).toContain(PAGE); // the requests were logged…
      expect(output).not.toContain(token.slice(3)); // …without the token
      const audit = await app.deps.db.select().from(auditEvents).orderBy(auditEvents.id);
      expect(audit.map((e) => e.action).filter((a) => a.startsWith('api_token'))).toEqual([
        'api_token.created',
        'api_token.revoked',
      ]);
      expect(JSON.stringify(audit)).not.toContain(token.slice(3));
    } finally {
      await server.close();
    }
  });

  it('a token made elsewhere (the CLI) is listed with who made it', async () => {
    await buildApiToken(app, { name: 'From the shell', scopes: ['roster:write'] });
    const rows = readPage((await (await signedIn()).get(PAGE)).body).tableRows(/API tokens/);
    expect(rows[0]!.slice(0, 4)).toEqual([
      'From the shell',
      expect.stringMatching(/^gh_.{7}…$/),
      'roster:write',
      '15 Jan 2026, 09:00 UTC by command line',
    ]);
  });
});
