import { describe, expect, it } from 'vitest';
import { invitations, members } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { listPendingInvitations } from '../../src/domain/reports/pendingInvitations.ts';
import { createMailer } from '../../src/email/mailer.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { DAY, invite, shownMemberIds, signedIn, walkBothWays } from './activityReports.helpers.ts';

const app = useTestApp();
const REPORT = '/admin/query-tool/pending-invitations';
const HOUR = 60 * 60 * 1000;

/**
 * The report worked out in the test from every row: per member the newest invitation (created_at, then id),
 * kept when it is open and the member has no login, soonest to expire first.
 */
async function expectedMemberIds(withinDays?: number): Promise<number[]> {
  const now = app.clock.now().getTime();
  const all = await app.deps.db.select().from(invitations);
  const withLogin = new Set(
    (await app.deps.db.select({ id: members.id, hasLogin: members.hasLogin }).from(members))
      .filter((m) => m.hasLogin)
      .map((m) => m.id),
  );
  const newest = new Map<number, (typeof all)[number]>();
  for (const i of all) {
    const seen = newest.get(i.memberId);
    const later =
      !seen || i.createdAt > seen.createdAt || (+i.createdAt === +seen.createdAt && i.id > seen.id);
    if (later) newest.set(i.memberId, i);
  }
  return [...newest.values()]
    .filter((i) => !i.usedAt && !i.revokedAt && +i.expiresAt > now && !withLogin.has(i.memberId))
    .filter((i) => withinDays === undefined || +i.expiresAt <= now + withinDays * DAY)
    .sort((a, b) => +a.expiresAt - +b.expiresAt || a.id - b.id)
    .map((i) => i.memberId);
}

/** One member for each rule of the report. */
async function scenario() {
  const twoDays = await buildMember(app, { firstName: 'Two', lastName: 'Days' });
  await invite(app, twoDays.id, { expiresInMs: 2 * DAY });
  const expired = await buildMember(app, { lastName: 'Expired' });
  await invite(app, expired.id, { issuedDaysAgo: 20, expiresInMs: -DAY });
  const used = await buildMember(app, { lastName: 'Used' });
  await invite(app, used.id, { expiresInMs: 5 * DAY, used: true });
  // The newest link was revoked (Re-enable, or a failed delivery): an older open link does not count.
  const revoked = await buildMember(app, { lastName: 'Revoked' });
  await invite(app, revoked.id, { issuedDaysAgo: 2, expiresInMs: 5 * DAY });
  await invite(app, revoked.id, { issuedDaysAgo: 1, expiresInMs: 6 * DAY, revoked: true });
  // An expired older link, then a fresh one: listed once, with the fresh one.
  const renewed = await buildMember(app, { lastName: 'Renewed' });
  await invite(app, renewed.id, { issuedDaysAgo: 20, expiresInMs: -6 * DAY });
  await invite(app, renewed.id, { expiresInMs: 10 * DAY });
  // Two open links from two rounds: listed once, by the newest (which expires later).
  const twoOpen = await buildMember(app, { lastName: 'TwoOpen' });
  await invite(app, twoOpen.id, { issuedDaysAgo: 9, expiresInMs: 5 * DAY });
  await invite(app, twoOpen.id, { issuedDaysAgo: 2, expiresInMs: 12 * DAY });
  const soon = await buildMember(app, { lastName: 'Soon' });
  await invite(app, soon.id, { expiresInMs: 12 * HOUR });
  const joined = await buildLogin(app, { role: 'member' });
  await invite(app, joined.memberId, { expiresInMs: 3 * DAY, revoked: false });
  await buildMember(app, { lastName: 'NeverInvited' });
  return { twoDays, renewed, twoOpen, soon };
}

describe('Pending Invitations report', () => {
  it('lists members without a login whose newest link is open, soonest to expire first', async () => {
    const { twoDays, renewed, twoOpen, soon } = await scenario();
    const { b } = await signedIn(app);
    const expected = await expectedMemberIds();
    // The rules written out for this scenario, so the computation above cannot share a mistake with the code.
    expect(expected).toEqual([soon.id, twoDays.id, renewed.id, twoOpen.id]);
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(200);
    expect(shownMemberIds(res.body)).toEqual(expected);
    const page = readPage(res.body);
    const crumbs = page.inside(page.getByRole('navigation', { name: 'Breadcrumb' }));
    expect(crumbs.getAllByRole('link').map((a) => a.textContent)).toEqual(['Admin', 'Query Tool']);
    expect(crumbs.link('Admin')).toBe('/admin');
    expect(crumbs.link('Query Tool')).toBe('/admin/query-tool');
    page.getByRole('heading', { level: 1, name: 'Pending Invitations' });
    // The Expires column: the words, then the instant on a line of its own.
    expect(page.tableRows().map((r) => r[4]?.split('\n')[0])).toEqual([
      'Expires in less than a day',
      'Expires in 2 days',
      'Expires in 10 days',
      'Expires in 12 days',
    ]);
    expect(page.link('Days, Two')).toBe(`/admin/members/${twoDays.id}`);
    const find = page.getByRole('link', { name: 'Find in Invitation Codes', description: 'Days, Two' });
    expect(find.getAttribute('href')).toBe(
      `/admin/member-management/invitation-codes?search=${twoDays.memberNumber}`,
    );
    expect(page.text).toContain('find them in Invitation Codes and press Send.');
  });

  it('filters by Expiring within 1, 3 or 7 days', async () => {
    await scenario();
    const { b } = await signedIn(app);
    for (const days of [1, 3, 7] as const) {
      const res = await b.get(`${REPORT}?within=${days}`);
      expect(res.statusCode).toBe(200);
      expect(shownMemberIds(res.body), `${days} days`).toEqual(await expectedMemberIds(days));
      expect(readPage(res.body).valueOf('Expiring within')).toBe(String(days));
    }
    expect(await expectedMemberIds(1)).toHaveLength(1);
    expect(shownMemberIds((await b.get(`${REPORT}?within=all`)).body)).toEqual(await expectedMemberIds());
  });

  it('refuses an unknown filter value next to its field, keeping what was asked', async () => {
    const { b } = await signedIn(app);
    const res = await b.get(`${REPORT}?within=5`);
    expect(res.statusCode).toBe(400);
    const page = readPage(res.body);
    expect(page.alert()).toContain('Choose 1, 3 or 7 days, or All.');
    expect(page.link('Choose 1, 3 or 7 days, or All.')).toBe('#within');
    expect(page.errorFor('Expiring within')).toBe('Choose 1, 3 or 7 days, or All.');
    expect(page.queryByRole('table')).toBeNull();
    const stale = await b.get(`${REPORT}?after=not-a-cursor`);
    expect(stale.statusCode).toBe(400);
    expect(readPage(stale.body).alert()).toContain('That page link is out of date');
  });

  it('pages through every row exactly once, forwards and back, ties on expiry included', async () => {
    const admin = await buildLogin(app, { role: 'admin' });
    for (let i = 0; i < 11; i += 1) {
      const m = await buildMember(app);
      // Pairs of equal expiry times put ties across page boundaries.
      await invite(app, m.id, { expiresInMs: (Math.floor(i / 2) + 1) * DAY });
    }
    const expected = await expectedMemberIds();
    expect(expected).toHaveLength(11);
    const walk = await walkBothWays(
      (position) => listPendingInvitations(app.deps, admin.actor, { position }, 3),
      (r) => r.memberId,
    );
    expect(walk.forward).toEqual(expected);
    expect(walk.backward).toEqual(expected);
    expect(walk.pages).toBe(4);
  });

  it('shows an invitation sent the real way, and an empty state', async () => {
    const { b, login } = await signedIn(app);
    const empty = await b.get(REPORT);
    const emptyPage = readPage(empty.body);
    expect(emptyPage.text).toContain('No member is waiting on an invitation link right now.');
    expect(emptyPage.queryByRole('table')).toBeNull();
    expect(readPage((await b.get(`${REPORT}?within=1`)).body).text).toContain(
      'No open invitation expires within 1 day.',
    );

    const member = await buildMember(app);
    await sendInvitation(app.deps, login.actor, member.id);
    await deliverDueEmail(app.deps, createMailer(app.config));
    const res = await b.get(REPORT);
    expect(shownMemberIds(res.body)).toEqual([member.id]);
    const [row] = await app.deps.db.select().from(invitations);
    const days = Math.floor((+row!.expiresAt - +app.clock.now()) / DAY);
    expect(readPage(res.body).tableRows()[0]?.[4]).toMatch(new RegExp(`^Expires in ${days} days\n`));
  });

  it('is for Administrators and Security Administrators, not Members', async () => {
    for (const role of ['admin', 'security_admin'] as const) {
      const { b } = await signedIn(app, role);
      expect((await b.get(REPORT)).statusCode, role).toBe(200);
    }
    const { b } = await signedIn(app, 'member');
    const res = await b.get(REPORT);
    expect(res.statusCode).toBe(403);
    expect(readPage(res.body).text).toContain('access level');
    const member = await buildLogin(app, { role: 'member' });
    await expect(listPendingInvitations(app.deps, member.actor, { position: {} })).rejects.toThrow(
      'access level',
    );
    expect((await browser(await app.server()).get(REPORT)).statusCode).toBe(302);
  });
});
