import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditEvents } from '../../src/db/schema.ts';
import { issueSetupToken } from '../../src/domain/setup/firstRunSetup.ts';
import { browser, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

const admin = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', username: 'ada' };

describe('first-run setup', () => {
  it('creates the first Security Administrator, signs them in, and the link then stops working', async () => {
    const token = (await issueSetupToken(app.deps))!;
    const b = browser(await app.server());
    const url = `/setup?token=${token}`;
    readPage((await b.get(url)).body).getByRole('button', { name: 'Create Security Administrator' });
    const res = await b.submit(url, '/setup', { token, ...admin, password: GOOD_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin?welcome=1');
    // Signed in, and taken to set up the second step a Security Administrator must have (issue 14).
    expect((await b.get('/admin')).headers.location).toBe('/home/security?next=%2Fadmin');
    const [row] = await app.deps.db.select().from(accounts).where(eq(accounts.usernameLower, 'ada'));
    expect(row?.role).toBe('security_admin');
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const audit = await app.deps.db.select().from(auditEvents);
    expect(audit.map((a) => a.action)).toEqual(['setup.completed']);

    const again = browser(await app.server());
    expect((await again.get(url)).statusCode).toBe(410);
    expect(await issueSetupToken(app.deps)).toBeNull();
  });

  it('keeps what was typed and names the field when a value is refused', async () => {
    const token = (await issueSetupToken(app.deps))!;
    const b = browser(await app.server());
    const url = `/setup?token=${token}`;
    const res = await b.submit(url, '/setup', {
      token,
      ...admin,
      email: 'not-an-email',
      password: GOOD_PASSWORD,
    });
    expect(res.statusCode).toBe(400);
    const refused = readPage(res.body);
    expect(refused.errorFor('Email')).toBeTruthy();
    expect(refused.valueOf('Last name')).toBe('Lovelace');
    expect(refused.valueOf('Email')).toBe('not-an-email');
    expect(refused.errorFor('Password')).toBeNull();
    const weak = await b.submit(url, '/setup', { token, ...admin, password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    expect(readPage(weak.body).errorFor('Password')).toBeTruthy();
    expect(await app.deps.db.select().from(accounts)).toHaveLength(0);
  });

  it('refuses a wrong or replaced token', async () => {
    const first = (await issueSetupToken(app.deps))!;
    await issueSetupToken(app.deps); // a restart prints a new link and retires the old one
    const b = browser(await app.server());
    expect((await b.get(`/setup?token=${first}`)).statusCode).toBe(410);
    const res = await b.submit('/login', '/setup', { token: first, ...admin, password: GOOD_PASSWORD });
    expect(res.statusCode).toBe(410);
    expect(await app.deps.db.select().from(accounts)).toHaveLength(0);
  });
});
