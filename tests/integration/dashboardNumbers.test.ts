import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, emailMessages, invitationRounds, members } from '../../src/db/schema.ts';
import { fillDemoPortal } from '../../src/domain/members/fillDemoPortal.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();

let usernames = 0;
async function joined(memberId: number, createdAt = app.clock.now()) {
  usernames += 1;
  const username = `numbers${usernames}`;
  await app.deps.db.insert(accounts).values({
    memberId,
    username,
    usernameLower: username,
    passwordHash: 'not-a-real-hash',
    createdAt,
    passwordChangedAt: createdAt,
  });
}

async function adminPage() {
  const login = await buildLogin(app, { role: 'admin' }); // a current member with a login
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { page: readPage((await b.get('/admin')).body), login };
}

describe('The dashboard figures', () => {
  it('add up: current and lapsed make the roster, with and without a login make it too', async () => {
    // Roster: the admin (current, login), 2 current with a login, 3 current without, 1 lapsed with a
    // login, 2 lapsed without: 9 members, 6 current and 3 lapsed; 4 with a login and 5 without.
    const current = await Promise.all(Array.from({ length: 5 }, () => buildMember(app)));
    const lapsed = await Promise.all(Array.from({ length: 3 }, () => buildMember(app, { status: 'lapsed' })));
    await joined(current[0]!.id);
    await joined(current[1]!.id);
    await joined(lapsed[0]!.id);
    const { page } = await adminPage();
    expect(page.text).toContain('9 members on the roster: 6 current and 3 lapsed');
    expect(page.text).toContain('3 of 6 current members have a portal login (50%)');
    expect(page.text).toContain('5 members without a login (3 current and 2 lapsed)');
    expect(page.text).toContain('0 failed deliveries need attention');
  });

  it("leave out an administrator's made-up record (ADM-…), as every member count does", async () => {
    const [made] = await app.deps.db
      .insert(members)
      .values({
        memberNumber: 'ADM-0a1b2c',
        firstName: 'Bea',
        lastName: 'Admin',
        email: 'bea@example.org',
        emailLower: 'bea@example.org',
        createdAt: app.clock.now(),
        updatedAt: app.clock.now(),
      })
      .returning();
    await joined(made!.id);
    await app.deps.db.update(accounts).set({ role: 'admin' }).where(sql`${accounts.memberId} = ${made!.id}`);
    await buildMember(app, { status: 'lapsed' });
    const { page } = await adminPage();
    expect(page.text).toContain('2 members on the roster: 1 current and 1 lapsed');
    expect(page.text).toContain('1 of 1 current members have a portal login (100%)');
    expect(page.text).toContain('1 member without a login (0 current and 1 lapsed)');
  });

  it('agrees the words with one', async () => {
    const [member] = await Promise.all([buildMember(app)]);
    await app.deps.db
      .update(members)
      .set({ deliveryState: 'failed' })
      .where(sql`${members.id} = ${member!.id}`);
    const { page } = await adminPage();
    expect(page.text).toContain('2 members on the roster: 2 current and 0 lapsed');
    expect(page.text).toContain('1 member without a login (1 current and 0 lapsed)');
    expect(page.text).toContain('1 failed delivery needs attention');
    expect(page.text).not.toMatch(/\b1 members\b|\b1 failed deliveries\b/);
  });

  it('does not call a message kept in the Email Log "delivered"', async () => {
    const people = await Promise.all(Array.from({ length: 3 }, () => buildMember(app)));
    const [round] = await app.deps.db
      .insert(invitationRounds)
      .values({ kind: 'send_all', startedByLabel: 'Ada Admin', startedAt: app.clock.now(), total: 3 })
      .returning();
    for (const [i, state] of (['logged', 'logged', 'failed'] as const).entries()) {
      await app.deps.db.insert(emailMessages).values({
        kind: 'invitation',
        memberId: people[i]!.id,
        roundId: round!.id,
        toAddress: 'x@example.org',
        state,
        createdAt: round!.startedAt,
        updatedAt: round!.startedAt,
      });
    }
    const { page } = await adminPage();
    expect(page.text).toContain(
      'Send All to 3 members, started 15 Jan 2026, 09:00 UTC by Ada Admin: 2 kept in the Email Log (no mail server was set up, so not sent), 1 failed;',
    );
    expect(page.text).not.toMatch(/\d delivered/);
  });

  it('ends the onboarding curve today, with a day before a first day of logins, not tomorrow', async () => {
    await buildMember(app);
    const { page } = await adminPage(); // the admin's login, created today (15 Jan)
    const chart = page.getByRole('img', { name: 'Onboarding progress' });
    const labels = [...chart.querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toContain('15 Jan');
    expect(labels).toContain('14 Jan');
    expect(labels).not.toContain('16 Jan');
    expect(page.tableRows('Logins created')).toEqual([['15 Jan 2026', '1']]);
  });
});

describe('Demo data', () => {
  it('never has a last login before the login was created, nor a login before the roster or after now', async () => {
    const admin = await buildLogin(app, { role: 'security_admin' });
    const result = await fillDemoPortal(app.deps, admin.actor, 120);
    expect(result.logins).toBe(40);
    const now = app.clock.now();
    const rows = await app.deps.db
      .select({ created: accounts.createdAt, last: accounts.lastLoginAt, joined: members.createdAt })
      .from(accounts)
      .innerJoin(members, sql`${members.id} = ${accounts.memberId}`)
      .where(sql`${accounts.role} = 'member'`);
    expect(rows).toHaveLength(40);
    for (const r of rows) {
      expect(r.created.getTime()).toBeGreaterThanOrEqual(r.joined.getTime());
      expect(r.created.getTime()).toBeLessThan(now.getTime());
      if (r.last) expect(r.last.getTime()).toBeGreaterThanOrEqual(r.created.getTime());
      if (r.last) expect(r.last.getTime()).toBeLessThanOrEqual(now.getTime());
    }
    // Spread over the weeks since the roster came in, so the onboarding curve has a shape.
    expect(new Set(rows.map((r) => r.created.toISOString().slice(0, 10))).size).toBeGreaterThan(10);
    expect(rows.filter((r) => r.last).length).toBeGreaterThan(20);
  });
});
