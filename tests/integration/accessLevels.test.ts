import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { accounts, auditEvents } from '../../src/db/schema.ts';
import { assignRole } from '../../src/domain/accounts/assignRole.ts';
import { isAppError } from '../../src/errors.ts';
import { browser, buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

async function signedIn(role: 'member' | 'admin' | 'security_admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  expect((await b.logIn(login.username, login.password)).statusCode).toBe(303);
  return { ...login, b };
}

const roleOf = async (accountId: number) =>
  (await app.deps.db.select({ role: accounts.role }).from(accounts).where(eq(accounts.id, accountId)))[0]!
    .role;

const securityAdminCount = async () =>
  (await app.deps.db.select().from(accounts).where(eq(accounts.role, 'security_admin'))).length;

describe('Profile: Access level', () => {
  it('assigns each level; it takes effect at the member’s next page view; each change is audited', async () => {
    const member = await signedIn('member');
    const security = await signedIn('security_admin');
    const profile = `/admin/members/${member.memberId}`;
    const page = await security.b.get(profile);
    const form = readPage(page.body);
    expect(form.field('Access level').tagName).toBe('SELECT');
    form.getByRole('button', { name: 'Change access level' });
    expect((await member.b.get('/admin')).statusCode).toBe(403);

    const steps: ['admin' | 'security_admin' | 'member', number, number][] = [
      // [level, status of /admin, status of /admin/audit-log] for the member's next page views
      ['admin', 200, 403],
      // A new Security Administrator without a second step is taken to set one up first (issue 14).
      ['security_admin', 303, 303],
      ['member', 403, 403],
    ];
    for (const [role, adminStatus, auditStatus] of steps) {
      const res = await security.b.submit(profile, `${profile}/role`, { role });
      expect(res.headers.location, role).toBe(`${profile}?done=role`);
      expect(await roleOf(member.accountId)).toBe(role);
      expect((await member.b.get('/admin')).statusCode, role).toBe(adminStatus);
      expect((await member.b.get('/admin/audit-log')).statusCode, role).toBe(auditStatus);
    }
    const changed = readPage((await security.b.get(`${profile}?done=role`)).body);
    expect(changed.status()).toContain('The access level is changed.');
    const events = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'login.role_changed'))
      .orderBy(auditEvents.id);
    expect(events.map((e) => [e.memberId, e.details])).toEqual([
      [member.memberId, { from: 'member', to: 'admin' }],
      [member.memberId, { from: 'admin', to: 'security_admin' }],
      [member.memberId, { from: 'security_admin', to: 'member' }],
    ]);
  });

  it('refuses an unknown level next to the field and keeps the role', async () => {
    const member = await buildLogin(app, { role: 'member' });
    const security = await signedIn('security_admin');
    const profile = `/admin/members/${member.memberId}`;
    const res = await security.b.submit(profile, `${profile}/role`, { role: 'superuser' });
    expect(res.statusCode).toBe(400);
    expect(readPage(res.body).errorFor('Access level')).toBe('Choose an access level from the list.');
    expect(await roleOf(member.accountId)).toBe('member');
  });

  it('never demotes the last Security Administrator', async () => {
    const security = await signedIn('security_admin');
    const profile = `/admin/members/${security.memberId}`;
    const res = await security.b.submit(profile, `${profile}/role`, { role: 'admin' });
    expect(res.statusCode).toBe(409);
    const refused = readPage(res.body);
    expect(refused.errorFor('Access level')).toContain('is the only Security Administrator');
    // The choice that was refused stays selected, so the page shows what was asked for.
    expect(refused.valueOf('Access level')).toBe('admin');
    expect(await roleOf(security.accountId)).toBe('security_admin');
    const audit = await app.deps.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'login.role_changed'));
    expect(audit).toHaveLength(0);
  });

  it('lets one of two racing demotions of the last two Security Administrators through, never both', async () => {
    const a = await buildLogin(app, { role: 'security_admin' });
    const b = await buildLogin(app, { role: 'security_admin' });
    // Each demotes the other at the same moment.
    const race = () =>
      Promise.allSettled([
        assignRole(app.deps, a.actor, { memberId: b.memberId, role: 'admin' }),
        assignRole(app.deps, b.actor, { memberId: a.memberId, role: 'member' }),
      ]);
    const outcomes = process.env.TEST_DATABASE_URL ? await raceBehindHeldLocks(race) : await race();
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason;
    expect(isAppError(reason) && reason.code === 'conflict').toBe(true);
    expect(await securityAdminCount()).toBe(1);
  });

  it('is the Security Administrator’s: an Administrator sees no form and gets 403', async () => {
    const member = await buildLogin(app, { role: 'member' });
    const admin = await signedIn('admin');
    const profile = `/admin/members/${member.memberId}`;
    const seen = readPage((await admin.b.get(profile)).body);
    expect(seen.queryByRole('button', { name: 'Change access level' })).toBeNull();
    expect(seen.queryByLabelText('Access level')).toBeNull();
    const res = await admin.b.submit(profile, `${profile}/role`, { role: 'security_admin' });
    expect(res.statusCode).toBe(403);
    expect(await roleOf(member.accountId)).toBe('member');
    // The domain checks too, whoever calls it.
    await expect(
      assignRole(app.deps, admin.actor, { memberId: admin.memberId, role: 'security_admin' }),
    ).rejects.toThrow('Security Administrator access level');
  });
});

/**
 * On PostgreSQL: hold every Security Administrator row in a third transaction, start the race, wait until
 * both contenders are queued behind that lock, then let go — so the two really run at the same time
 * instead of one finishing before the other starts. (PGlite runs one transaction at a time anyway.)
 */
async function raceBehindHeldLocks<T>(race: () => Promise<T>): Promise<T> {
  let started: Promise<T> | undefined;
  await app.deps.db.transaction(async (tx) => {
    await tx.select().from(accounts).where(eq(accounts.role, 'security_admin')).for('update');
    started = race();
    for (;;) {
      const [row] = await queryRows(
        app.deps.db,
        sql`select count(distinct pid) as n from pg_locks where not granted`,
        { n: 'number' },
      );
      if ((row?.n ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  return started!;
}
