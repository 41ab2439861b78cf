import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, loginHistory, members } from '../../src/db/schema.ts';
import { acceptInvitation } from '../../src/domain/invitations/acceptInvitation.ts';
import { listNeverLoggedIn, loginsPerDay } from '../../src/domain/reports/loginActivity.ts';
import { browser, buildLogin, buildMember, GOOD_PASSWORD } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { DAY, invite, linkHref, signedIn, walkBothWays } from './activityReports.helpers.ts';

const app = useTestApp();
const REPORT = '/admin/query-tool/login-activity';
const NOW = new Date('2026-01-15T09:00:00Z'); // the harness's clock

/** The 30 days of the report, oldest first: 17 Dec 2025 … 15 Jan 2026 (UTC), today included. */
const PERIOD = Array.from({ length: 30 }, (_, i) =>
  new Date(+NOW - (29 - i) * DAY).toISOString().slice(0, 10),
);

/** Logins and different accounts per day, counted in the test from every login_history row. */
async function expectedPerDay() {
  const rows = await app.deps.db.select().from(loginHistory);
  return PERIOD.map((day) => {
    const that = rows.filter((r) => r.at.toISOString().slice(0, 10) === day);
    return { day, logins: that.length, members: new Set(that.map((r) => r.accountId)).size };
  });
}

/** Accounts not used since they were created, oldest login first, counted in the test. */
async function expectedUnused(): Promise<number[]> {
  return (await app.deps.db.select().from(accounts))
    .filter((a) => a.lastLoginAt === null || +a.lastLoginAt <= +a.createdAt)
    .sort((a, b) => +a.createdAt - +b.createdAt || a.id - b.id)
    .map((a) => a.id);
}

/** The Logins per day table, oldest day first: each row's day (its machine-readable date) and counts. */
function shownDays(html: string) {
  const table = readPage(html).getByRole('table', { name: 'Logins per day, newest day first' });
  return [...table.querySelectorAll('tbody tr')]
    .map((row) => {
      const [logins, members] = [...row.querySelectorAll('td')].map((td) => Number(td.textContent));
      return { day: row.querySelector('time')?.getAttribute('datetime') ?? '', logins, members };
    })
    .reverse();
}

/** The usernames of the never-logged-in list, in page order. */
const shownUsernames = (html: string) =>
  readPage(html)
    .tableRows(/^Logins not used since they were created/)
    .map((cells) => cells[2]);

/** The usernames of these accounts, in the same order. */
async function usernamesOf(accountIds: number[]) {
  const all = await app.deps.db.select().from(accounts);
  return accountIds.map((id) => all.find((a) => a.id === id)?.username);
}

async function recordLogins(accountId: number, times: string[]) {
  await app.deps.db.insert(loginHistory).values(times.map((t) => ({ accountId, at: new Date(t) })));
}

describe('Login Activity report', () => {
  it('counts logins per UTC day over the last 30 days, today included', async () => {
    const { b, login: admin } = await signedIn(app);
    const one = await buildLogin(app);
    const two = await buildLogin(app);
    const since = new Date('2025-11-01T00:00:00Z');
    await app.deps.db
      .update(accounts)
      .set({ createdAt: since, lastLoginAt: new Date('2026-01-15T08:30:00Z') })
      .where(eq(accounts.id, one.accountId));
    // Last seen before the period: not active in it, though its older logins are in the history.
    await app.deps.db
      .update(accounts)
      .set({ createdAt: since, lastLoginAt: new Date('2025-12-01T00:00:00Z') })
      .where(eq(accounts.id, two.accountId));
    await recordLogins(one.accountId, [
      '2026-01-15T08:00:00Z',
      '2026-01-15T08:30:00Z',
      '2026-01-03T12:00:00Z',
      '2025-12-17T00:00:00Z', // first day of the period
      '2025-12-16T23:59:59.999Z', // one day too old
    ]);
    await recordLogins(two.accountId, [
      '2026-01-15T00:00:00Z',
      '2026-01-14T23:59:59.999Z',
      '2026-01-03T18:00:00Z',
      '2026-01-16T00:00:00Z', // tomorrow: a clock gone wrong, not today
    ]);
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(200);
    const expected = await expectedPerDay();
    // Anything not counted here would be missing from the days above.
    expect(expected.reduce((n, d) => n + d.logins, 0)).toBeGreaterThanOrEqual(7);
    expect(shownDays(res.body)).toEqual(expected);
    expect(expected.find((d) => d.day === '2026-01-03')).toEqual({
      day: '2026-01-03',
      logins: 2,
      members: 2,
    });
    expect(expected.find((d) => d.day === '2026-01-14')).toEqual({
      day: '2026-01-14',
      logins: 1,
      members: 1,
    });
    expect(expected[0]).toEqual({ day: '2025-12-17', logins: 1, members: 1 });
    const days = shownDays(res.body).map((d) => d.day);
    expect(days).not.toContain('2025-12-16');
    expect(days).not.toContain('2026-01-16');

    const summary = await loginsPerDay(app.deps, admin.actor);
    expect(summary.days).toEqual(expected);
    expect(summary.totalLogins).toBe(expected.reduce((n, d) => n + d.logins, 0));
    // Members active in the period come from their accounts' last login, not from the history.
    const from = new Date(`${PERIOD[0]}T00:00:00Z`);
    const active = (await app.deps.db.select().from(accounts)).filter(
      (a) => a.lastLoginAt && a.lastLoginAt >= from && a.lastLoginAt <= NOW && a.lastLoginAt > a.createdAt,
    );
    expect(active.map((a) => a.id).sort()).toEqual([admin.accountId, one.accountId].sort());
    expect(summary.activeMembers).toBe(active.length);
    const page = readPage(res.body);
    expect(page.text).toContain(`${summary.totalLogins} logins during the last 30 days`);
    expect(page.text).toContain('2 members have logged in during this period.');
    page.getByText('Logins per day, last 30 days', { selector: 'figcaption' });
    page.getByRole('img', { name: 'Logins per day, last 30 days' });
    page.getByRole('heading', { level: 1, name: 'Login Activity' });
    expect(page.link('Query Tool')).toBe('/admin/query-tool');
  });

  it('lists logins not used since they were created, by the rules acceptInvitation and logIn follow', async () => {
    const { b, login: admin } = await signedIn(app);
    // Made by an administrator: no login at all yet.
    const made = await buildLogin(app);
    // Made from an invitation: acceptInvitation signs the member in, so last_login_at = created_at.
    const member = await buildMember(app);
    const { token } = await invite(app, member.id, { expiresInMs: DAY });
    await acceptInvitation(
      app.deps,
      { token },
      { username: 'joiner', password: GOOD_PASSWORD },
      {
        ip: null,
        userAgent: null,
      },
    );
    const [joined] = await app.deps.db.select().from(accounts).where(eq(accounts.memberId, member.id));
    expect(joined!.lastLoginAt).toEqual(joined!.createdAt);

    let res = await b.get(REPORT);
    let expected = await expectedUnused();
    expect(expected).toEqual([made.accountId, joined!.id].sort((x, y) => x - y));
    expect(shownUsernames(res.body)).toEqual(await usernamesOf(expected));
    expect(shownUsernames(res.body)).toContain('joiner');
    expect(shownUsernames(res.body)).not.toContain(admin.username);

    // The member comes back a minute later: the login has now been used.
    app.clock.advance(60_000);
    const again = browser(await app.server());
    expect((await again.logIn('joiner', GOOD_PASSWORD)).statusCode).toBe(303);
    res = await b.get(REPORT);
    expected = await expectedUnused();
    expect(expected).toEqual([made.accountId]);
    expect(shownUsernames(res.body)).toEqual(await usernamesOf(expected));
  });

  it('pages through every unused login exactly once, forwards and back', async () => {
    const { b, login: admin } = await signedIn(app);
    const rows = Array.from({ length: 57 }, (_, i) => {
      const email = `unused${i}@example.org`;
      return {
        memberNumber: `U${String(i).padStart(4, '0')}`,
        firstName: 'Una',
        lastName: `Used${i}`,
        email,
        emailLower: email,
      };
    });
    const inserted = await app.deps.db.insert(members).values(rows).returning({ id: members.id });
    await app.deps.db.insert(accounts).values(
      inserted.map((m, i) => ({
        memberId: m.id,
        username: `unused${i}`,
        usernameLower: `unused${i}`,
        passwordHash: 'not-a-real-hash',
        // Groups of three share a creation time, so ties are broken by id across page boundaries.
        createdAt: new Date(+NOW - 100 * DAY + Math.floor(i / 3) * DAY),
        lastLoginAt: i % 2 === 0 ? null : new Date(+NOW - 100 * DAY + Math.floor(i / 3) * DAY),
      })),
    );
    const expected = await expectedUnused();
    expect(expected).toHaveLength(57);
    const first = await b.get(REPORT);
    expect(shownUsernames(first.body)).toHaveLength(50);
    const second = await b.get(linkHref(first.body, 'Next page')!);
    expect([...shownUsernames(first.body), ...shownUsernames(second.body)]).toEqual(
      await usernamesOf(expected),
    );
    const walk = await walkBothWays(
      (position) => listNeverLoggedIn(app.deps, admin.actor, { position }, 8),
      (r) => r.accountId,
    );
    expect(walk.forward).toEqual(expected);
    expect(walk.backward).toEqual(expected);
  });

  it('has empty states', async () => {
    const { b } = await signedIn(app);
    await app.deps.db.delete(loginHistory);
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(200);
    const page = readPage(res.body);
    expect(page.text).toContain('Nobody has logged in during the last 30 days');
    expect(page.queryByRole('img', { name: /Logins per day/ })).toBeNull();
    expect(page.text).toContain('Every member with a login has logged in since creating it.');
    expect(page.queryByRole('table', { name: /^Logins not used/ })).toBeNull();
    expect((await b.get(`${REPORT}?before=bad`)).statusCode).toBe(400);
  });

  it('is for Administrators and Security Administrators, not Members', async () => {
    for (const role of ['admin', 'security_admin'] as const) {
      const { b } = await signedIn(app, role);
      expect((await b.get(REPORT)).statusCode, role).toBe(200);
    }
    const { b, login } = await signedIn(app, 'member');
    expect((await b.get(REPORT)).statusCode).toBe(403);
    await expect(loginsPerDay(app.deps, login.actor)).rejects.toThrow('access level');
    await expect(listNeverLoggedIn(app.deps, login.actor, { position: {} })).rejects.toThrow('access level');
  });
});
