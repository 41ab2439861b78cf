import { eq, getTableColumns, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import {
  accounts,
  auditEvents,
  clearedLogins,
  invitations,
  loginClearRequests,
  loginClears,
} from '../../src/db/schema.ts';
import { createLogin } from '../../src/domain/accounts/createLogin.ts';
import { recentLogins } from '../../src/domain/accounts/loginHistory.ts';
import { clearAllUsernames } from '../../src/domain/clearAllUsernames/clearAllUsernames.ts';
import {
  clearBookkeepingColumns,
  clearedNameOf,
  loginColumnNames,
} from '../../src/domain/clearAllUsernames/loginColumns.ts';
import { purgeExpiredClears } from '../../src/domain/clearAllUsernames/purgeExpiredClears.ts';
import { restoreClearedLogins } from '../../src/domain/clearAllUsernames/restoreClearedLogins.ts';
import { reenableInviteLink } from '../../src/domain/invitations/reenableInviteLink.ts';
import { totpCode } from '../../src/domain/twoStep/totp.ts';
import { browser, buildLogin, buildMember, csrfFrom } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { runQueuedLoginClearJobs } from '../loginClearJobs.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const CODES = '/admin/member-management/invitation-codes';
const CLEAR = `${CODES}/clear-all-usernames`;
const DAY = 24 * 60 * 60_000;

/** A Security Administrator signed in, three members and two other admins with logins. */
async function portal() {
  const server = await app.server();
  const me = await buildLogin(app, { role: 'security_admin' });
  const otherSecurity = await buildLogin(app, { role: 'security_admin' });
  const admin = await buildLogin(app, { role: 'admin' });
  const members = [await buildLogin(app), await buildLogin(app), await buildLogin(app)];
  const b = browser(server);
  await b.logIn(me.username, me.password);
  return { server, me, otherSecurity, admin, members, b };
}

const accountIds = async () =>
  (await app.deps.db.select({ id: accounts.id }).from(accounts)).map((r) => r.id);
const auditOf = (action: string) =>
  app.deps.db.select().from(auditEvents).where(eq(auditEvents.action, action));
const LABELS = { confirmation: 'Confirmation', password: 'Your password' } as const;
/** The error shown next to a field of the Clear All Usernames form, or null. */
const fieldError = (html: string, name: keyof typeof LABELS) => readPage(html).errorFor(LABELS[name]);

/** The items of a list of counts, each with its emphasised number and its whole text. */
function countsOf(html: string, name: string) {
  const page = readPage(html);
  return page
    .inside(page.getByRole('list', { name }))
    .getAllByRole('listitem')
    .map((item) => ({ number: item.querySelector('strong')?.textContent, text: page.inside(item).text }));
}

/** The Restore buttons of a page, as the method and address of the form each one sends. */
const restoreButtons = (html: string) =>
  readPage(html)
    .queryAllByRole('button', { name: 'Restore cleared logins' })
    .map((button) => {
      const form = button.closest('form');
      return `${form?.getAttribute('method')} ${form?.getAttribute('action')}`;
    });

/** Where the links of a page go. */
const linksOf = (html: string) =>
  readPage(html)
    .queryAllByRole('link')
    .map((a) => a.getAttribute('href'));

/** Submits a form; when it is taken (303 to the request's page), the worker's job runs as the worker would. */
async function submitAndRun(b: ReturnType<typeof browser>, from: string, to: string, fields = {}) {
  const answer = await b.submit(from, to, fields);
  if (answer.statusCode === 303) await runQueuedLoginClearJobs(app);
  return answer;
}

/** Submits the Clear All Usernames form the way the page offers it, and lets the worker run it. */
const clear = (b: ReturnType<typeof browser>, fields: Record<string, string>) =>
  submitAndRun(b, CLEAR, CLEAR, fields);

/** Asks for a Restore from its confirmation page (or another page), and lets the worker run it. */
const restore = (b: ReturnType<typeof browser>, path: string, from = path) => submitAndRun(b, from, path);

/** The request a Clear All or Restore answer redirected to. */
const REQUEST = new RegExp(`^${CLEAR}/requests/(\\d+)$`);

async function nothingChanged(before: number[]) {
  expect((await accountIds()).sort()).toEqual(before.sort());
  expect(await app.deps.db.select().from(loginClears)).toHaveLength(0);
  expect(await auditOf('logins.cleared_all')).toHaveLength(0);
}

describe('Clear All Usernames', () => {
  it('shows exactly how many logins it removes: members, and other admins only as an option', async () => {
    const { b } = await portal();
    await buildMember(app); // on the roster without a login: nothing to remove
    const page = await b.get(CLEAR);
    expect(page.statusCode).toBe(200);
    expect(countsOf(page.body, 'Logins this would remove')).toEqual([
      { number: '3', text: '3 member logins' },
      { number: '2', text: "2 other administrators' logins (only if you tick the box below)" },
    ]);
    const form = readPage(page.body);
    const box = form.getByRole('checkbox', { name: "Also remove other administrators' logins (2)" });
    expect(box).toHaveProperty('checked', false);
    expect(form.descriptionOf('Confirmation')).toContain('Type "clear 3 logins" to remove the member logins');
    expect(form.descriptionOf('Confirmation')).toContain('"clear 5 logins" if you ticked the box above');
    expect(form.field('Confirmation')).toHaveProperty('name', 'confirmation');
    expect(form.field('Your password')).toHaveProperty('type', 'password');
    const button = form.getByRole('button', { name: 'Clear All Usernames' });
    expect(button.getAttribute('type')).toBe('submit');
    expect(button.classList.contains('danger')).toBe(true);
  });

  it('refuses a wrong phrase, a stale count and a wrong password with field errors, changing nothing', async () => {
    const { b, me } = await portal();
    const before = await accountIds();
    const wrongPhrase = await clear(b, {
      confirmation: 'clear all',
      password: me.password,
      includeAdmins: 'yes',
    });
    expect(wrongPhrase.statusCode).toBe(400);
    expect(fieldError(wrongPhrase.body, 'confirmation')).toContain('Type "clear 5 logins" exactly');
    const typed = readPage(wrongPhrase.body);
    const box = typed.getByRole('checkbox', { name: /Also remove other administrators' logins/ });
    expect(box).toHaveProperty('checked', true);
    expect(box.getAttribute('value')).toBe('yes');
    expect(typed.valueOf('Confirmation')).toBe('clear all');
    await nothingChanged(before);

    // The page showed 3 member logins; a member joins before the form is sent.
    const page = await b.get(CLEAR);
    await buildLogin(app);
    const csrf = csrfFrom(page.body);
    const stale = await app.server().then((s) =>
      s.inject({
        method: 'POST',
        url: CLEAR,
        headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrf,
          shownMembers: '3',
          shownAdmins: '2',
          confirmation: 'clear 3 logins',
          password: me.password,
        }).toString(),
      }),
    );
    expect(stale.statusCode).toBe(400);
    expect(fieldError(stale.body, 'confirmation')).toContain('has changed since the page was shown');
    expect(fieldError(stale.body, 'confirmation')).toContain('"clear 4 logins"');
    expect(countsOf(stale.body, 'Logins this would remove')[0]).toEqual({
      number: '4',
      text: '4 member logins',
    });
    const afterJoin = await accountIds();

    const wrongPassword = await clear(b, { confirmation: 'clear 4 logins', password: 'not my password' });
    expect(wrongPassword.statusCode).toBe(400);
    expect(fieldError(wrongPassword.body, 'password')).toBe('That is not your password.');
    expect(fieldError(wrongPassword.body, 'confirmation')).toBeNull();
    expect(readPage(wrongPassword.body).valueOf('Confirmation')).toBe('clear 4 logins');
    expect(readPage(wrongPassword.body).valueOf('Your password')).toBe('');
    await nothingChanged(afterJoin);
  });

  it('throttles wrong passwords: after five, even the right one waits', async () => {
    const { b, me } = await portal();
    const before = await accountIds();
    for (let i = 0; i < 5; i += 1) {
      expect((await clear(b, { confirmation: 'clear 3 logins', password: `wrong ${i}` })).statusCode).toBe(
        400,
      );
    }
    const throttled = await clear(b, { confirmation: 'clear 3 logins', password: me.password });
    expect(throttled.statusCode).toBe(429);
    expect(fieldError(throttled.body, 'password')).toContain('Too many wrong passwords');
    await nothingChanged(before);
    app.clock.advance(16 * 60_000);
    // The sign-in's second step is now older than STEP_UP_MINUTES: the form asks for a code too.
    const code = totpCode(me.totpSecret!, app.clock.now());
    expect((await clear(b, { confirmation: 'clear 3 logins', password: me.password, code })).statusCode).toBe(
      303,
    );
  });

  it('removes member logins only, ends their sessions, lists them in Invitation Codes, one audit event', async () => {
    const { server, b, me, otherSecurity, admin, members } = await portal();
    const memberBrowser = browser(server);
    await memberBrowser.logIn(members[0]!.username, members[0]!.password);
    expect((await memberBrowser.get('/home')).statusCode).toBe(200);
    const adminBrowser = browser(server);
    await adminBrowser.logIn(admin.username, admin.password);
    const before = await b.get(CODES);
    expect(before.body).not.toContain(members[0]!.username);

    const done = await clear(b, { confirmation: 'Clear 3 Logins', password: me.password });
    expect(done.statusCode).toBe(303);
    const [row] = await app.deps.db.select().from(loginClears);
    expect(done.headers.location).toMatch(REQUEST);
    expect(row).toMatchObject({ removed: 3, includedAdmins: false, actorLabel: me.username });
    expect(row!.restorableUntil.getTime()).toBe(app.clock.now().getTime() + 30 * DAY);
    const summary = await b.get(done.headers.location as string);
    expect(readPage(summary.body).status()).toBe(
      'Removed 3 logins. Those members are back in Invitation Codes.',
    );
    expect(linksOf(summary.body)).toContain(`${CLEAR}/${row!.id}`);

    expect((await accountIds()).sort()).toEqual(
      [me.accountId, otherSecurity.accountId, admin.accountId].sort(),
    );
    const copies = await app.deps.db.select().from(clearedLogins);
    expect(copies.map((c) => c.accountId).sort()).toEqual(members.map((m) => m.accountId).sort());
    // The member's session ended: the same cookie now leads to the login page. The admin's did not.
    const after = await memberBrowser.get('/home');
    expect(after.statusCode).toBe(302);
    expect(after.headers.location).toMatch(/^\/login/);
    expect((await adminBrowser.get(CODES)).statusCode).toBe(200);

    const codes = await b.get(CODES);
    for (const m of members) expect(linksOf(codes.body)).toContain(`/admin/members/${m.memberId}`);
    readPage(codes.body).getByRole('table', { name: /Restore cleared logins/ });
    expect(restoreButtons(codes.body)).toEqual([`get ${CLEAR}/${row!.id}/restore`]);
    const events = await auditOf('logins.cleared_all');
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toEqual({ removed: 3, includedAdmins: false, clearId: row!.id });
    expect(events[0]!.actorAccountId).toBe(me.accountId);
  });

  it('removes other administrators too when ticked, never the acting one', async () => {
    const { b, me } = await portal();
    const done = await clear(b, {
      includeAdmins: 'yes',
      confirmation: 'clear 5 logins',
      password: me.password,
    });
    expect(done.statusCode).toBe(303);
    expect(await accountIds()).toEqual([me.accountId]);
    expect((await b.get(CODES)).statusCode).toBe(200);
    const [event] = await auditOf('logins.cleared_all');
    expect(event!.details).toMatchObject({ removed: 5, includedAdmins: true });
  });

  it('answers 403 to an Administrator on every Clear All Usernames and Restore route', async () => {
    const { server, me } = await portal();
    const sa = browser(server);
    await sa.logIn(me.username, me.password);
    await clear(sa, { confirmation: 'clear 3 logins', password: me.password });
    const [row] = await app.deps.db.select().from(loginClears);
    const admin = await buildLogin(app, { role: 'admin' });
    const b = browser(server);
    await b.logIn(admin.username, admin.password);
    for (const url of [CLEAR, `${CLEAR}/${row!.id}`, `${CLEAR}/${row!.id}/restore`]) {
      expect((await b.get(url)).statusCode, url).toBe(403);
    }
    const refused = await b.submit(CODES, `${CLEAR}/${row!.id}/restore`, {});
    expect(refused.statusCode).toBe(403);
    const again = await b.submit(CODES, CLEAR, { confirmation: 'clear 1 login', password: admin.password });
    expect(again.statusCode).toBe(403);
    expect(await app.deps.db.select().from(loginClears)).toHaveLength(1);
    const codes = await b.get(CODES);
    expect(readPage(codes.body).text).not.toContain('Restore cleared logins');
    expect(restoreButtons(codes.body)).toEqual([]);
  });
});

describe('Restore cleared logins', () => {
  async function clearedPortal() {
    const p = await portal();
    const done = await clear(p.b, { confirmation: 'clear 3 logins', password: p.me.password });
    expect(done.statusCode).toBe(303);
    const [row] = await app.deps.db.select().from(loginClears);
    return { ...p, clearId: row!.id };
  }

  it('brings the logins back as they were, skipping a member with a new login and a taken username', async () => {
    const { server, b, members, clearId, me } = await clearedPortal();
    const [back, renewed, squatted] = members as [
      (typeof members)[0],
      (typeof members)[0],
      (typeof members)[0],
    ];
    // One member made a new login since; someone else took another member's username.
    await createLogin(
      app.deps.db,
      {
        memberId: renewed.memberId,
        username: 'renewed-name',
        password: 'fresh quartz lantern 77',
        role: 'member',
        personalWords: [],
      },
      { now: app.clock.now(), passwordMinLength: app.config.passwordMinLength },
    );
    await buildLogin(app, { username: squatted.username });

    const confirm = await b.get(`${CLEAR}/${clearId}/restore`);
    expect(confirm.statusCode).toBe(200);
    expect(countsOf(confirm.body, 'What a restore would do')).toEqual([
      { number: '1', text: expect.stringMatching(/^1 login can come back/) },
      { number: '1', text: expect.stringMatching(/^1 cannot: the member has made a new login since/) },
      { number: '1', text: expect.stringMatching(/^1 cannot: someone else has taken the username since/) },
    ]);
    expect(await auditOf('logins.restored')).toHaveLength(0);

    const done = await restore(b, `${CLEAR}/${clearId}/restore`);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toMatch(REQUEST);
    expect(readPage((await b.get(done.headers.location as string)).body).status()).toBe(
      'Restored 1 login; 2 logins could not come back.',
    );

    const [restored] = await app.deps.db.select().from(accounts).where(eq(accounts.memberId, back.memberId));
    expect(restored).toMatchObject({ id: back.accountId, username: back.username, role: 'member' });
    const memberBrowser = browser(server);
    const login = await memberBrowser.logIn(back.username, back.password);
    expect(login.statusCode).toBe(303);
    expect((await memberBrowser.get('/home')).statusCode).toBe(200);
    const [renewedAccount] = await app.deps.db
      .select()
      .from(accounts)
      .where(eq(accounts.memberId, renewed.memberId));
    expect(renewedAccount!.username).toBe('renewed-name');

    const events = await auditOf('logins.restored');
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toEqual({ restored: 1, skipped: 2, clearId });
    expect(events[0]!.actorLabel).toBe(me.username);
    // The restored member left Invitation Codes again; the one whose username was taken is still there.
    const codes = await b.get(CODES);
    expect(linksOf(codes.body)).not.toContain(`/admin/members/${back.memberId}`);
    expect(linksOf(codes.body)).toContain(`/admin/members/${squatted.memberId}`);
    expect(readPage(codes.body).text).toContain('Restored 15 Jan 2026');
    expect(restoreButtons(codes.body)).toEqual([]);
    // No password hash is kept once the restore is done.
    const hashes = await app.deps.db.select({ h: clearedLogins.passwordHash }).from(clearedLogins);
    expect(hashes.every((r) => r.h === '')).toBe(true);
  });

  it('keeps a restored member’s recent logins', async () => {
    const p = await portal();
    const member = p.members[0]!;
    expect((await browser(p.server).logIn(member.username, member.password)).statusCode).toBe(303);
    expect(await recentLogins(app.deps, member.accountId)).toHaveLength(1);
    expect((await clear(p.b, { confirmation: 'clear 3 logins', password: p.me.password })).statusCode).toBe(
      303,
    );
    const [row] = await app.deps.db.select().from(loginClears);
    expect((await restore(p.b, `${CLEAR}/${row!.id}/restore`)).statusCode).toBe(303);
    expect(await recentLogins(app.deps, member.accountId)).toHaveLength(1);
  });

  it('can be done once only', async () => {
    const { b, clearId } = await clearedPortal();
    const path = `${CLEAR}/${clearId}/restore`;
    expect((await restore(b, path)).statusCode).toBe(303);
    const again = await restore(b, path, CODES);
    expect(again.statusCode).toBe(409);
    expect(readPage(again.body).alert()).toContain('already restored');
    expect(restoreButtons((await b.get(path)).body)).toEqual([]);
    expect(await auditOf('logins.restored')).toHaveLength(1);
  });

  it('cannot be done after 30 days, and the expired clear is purged with its password hashes', async () => {
    const { b, clearId, members, me } = await clearedPortal();
    app.clock.advance(30 * DAY);
    await b.logIn(me.username, me.password); // the session itself has long ended
    const path = `${CLEAR}/${clearId}/restore`;
    const closed = (await b.get(path)).body;
    expect(readPage(closed).text).toContain('The 30 days are over');
    expect(restoreButtons(closed)).toEqual([]);
    const late = await restore(b, path, CODES);
    expect(late.statusCode).toBe(410);
    expect(
      await app.deps.db.select().from(accounts).where(eq(accounts.memberId, members[0]!.memberId)),
    ).toEqual([]);
    const codes = (await b.get(CODES)).body;
    expect(restoreButtons(codes)).toEqual([]);
    expect(linksOf(codes)).not.toContain(`${CLEAR}/${clearId}`);

    // A newer clear (of a member who joined since) is inside its window and stays.
    await buildLogin(app);
    expect((await clear(b, { confirmation: 'clear 1 login', password: me.password })).statusCode).toBe(303);
    expect(await purgeExpiredClears(app.deps)).toBe(1);
    const left = await app.deps.db.select().from(loginClears);
    expect(left.map((c) => c.id)).not.toContain(clearId);
    expect(left).toHaveLength(1);
    const copies = await app.deps.db.select().from(clearedLogins);
    expect(copies.map((c) => c.clearId)).toEqual([left[0]!.id]);
  });

  it('turns a Re-enabled link into a plain invitation while cleared, and back after the restore', async () => {
    const p = await portal();
    const member = p.members[0]!;
    await reenableInviteLink(app.deps, p.me.actor, member.memberId);
    const flag = async () =>
      (await app.deps.db.select().from(invitations).where(eq(invitations.memberId, member.memberId)))[0]!
        .replacesLogin;
    expect(await flag()).toBe(true);
    await clear(p.b, { confirmation: 'clear 3 logins', password: p.me.password });
    expect(await flag()).toBe(false);
    const [row] = await app.deps.db.select().from(loginClears);
    await restore(p.b, `${CLEAR}/${row!.id}/restore`);
    expect(await flag()).toBe(true);
  });

  it('shows fresh Invitation Codes numbers right after, even when the count is cached', async () => {
    const { b, me } = await portal();
    // Above the exact-count threshold the count is cached for 30 s per process (pendingCount.ts).
    await app.deps.db.execute(sql`
      insert into members (member_number, first_name, last_name, email, email_lower)
      select 'C' || g, 'Pat', 'Cached' || g, 'c' || g || '@example.org', 'c' || g || '@example.org'
      from generate_series(1, 20000) g`);
    expect(readPage((await b.get(CODES)).body).text).toContain('20,000 members have no login yet.');
    await clear(b, { confirmation: 'clear 3 logins', password: me.password });
    expect(readPage((await b.get(CODES)).body).text).toContain('20,003 members have no login yet.');
    const [row] = await queryRows(app.deps.db, sql`select id from login_clears`, { id: 'number' });
    await restore(b, `${CLEAR}/${row!.id}/restore`);
    expect(readPage((await b.get(CODES)).body).text).toContain('20,000 members have no login yet.');
  });
});

describe('A login survives Clear All Usernames and Restore whole', () => {
  it('copies every column of accounts: cleared_logins has each, under the same name and type', () => {
    const kept = getTableColumns(clearedLogins);
    // A login's own id is generated in accounts (bigserial); its copy holds the value (bigint).
    const typeOf = (c: { getSQLType(): string }) => c.getSQLType().replace(/serial$/, 'int');
    const keptByName = new Map(Object.values(kept).map((c) => [c.name, c]));
    for (const column of Object.values(getTableColumns(accounts))) {
      const copy = keptByName.get(clearedNameOf(column.name));
      expect(copy, `cleared_logins keeps accounts.${column.name}`).toBeDefined();
      expect(typeOf(copy!), `cleared_logins.${copy!.name} has the type of accounts.${column.name}`).toBe(
        typeOf(column),
      );
    }
    expect(loginColumnNames).toEqual(Object.values(getTableColumns(accounts)).map((c) => c.name));
    // Nothing else in cleared_logins pretends to be a login column.
    expect([...clearBookkeepingColumns].sort()).toEqual(['clear_id', 'restored_at']);
  });

  it('restores each row exactly as it was, every column (read with select *)', async () => {
    const me = await buildLogin(app, { role: 'security_admin' });
    const others = [await buildLogin(app), await buildLogin(app, { role: 'admin' }), await buildLogin(app)];
    // Away from the defaults, so a column that came back as its default would show.
    await app.deps.db.execute(sql`
      update accounts set must_change_password = true,
             last_login_at = timestamptz '2025-11-02 10:11:12.345+00',
             created_at = timestamptz '2024-03-04 05:06:07.891+00',
             password_changed_at = timestamptz '2024-06-07 08:09:10.111+00'
      where id <> ${me.accountId}::bigint`);
    const rows = () =>
      queryRows(app.deps.db, sql`select * from accounts where id <> ${me.accountId}::bigint order by id`, {
        // Every column; the timestamps as PostgreSQL's text, so they are compared to the microsecond.
        id: 'number',
        member_id: 'number',
        username: 'text',
        username_lower: 'text',
        password_hash: 'text',
        role: 'text',
        must_change_password: 'boolean',
        created_at: 'text',
        password_changed_at: 'text',
        last_login_at: 'text?',
      });
    const before = await rows();
    expect(before).toHaveLength(others.length);
    const cleared = await clearAllUsernames(app.deps, me.actor, {
      includeAdmins: true,
      confirmation: 'clear 3 logins',
      password: me.password,
    });
    expect(await runQueuedLoginClearJobs(app)).toBe(1);
    expect(await rows()).toEqual([]);
    const [clearRequest] = await app.deps.db
      .select()
      .from(loginClearRequests)
      .where(eq(loginClearRequests.id, cleared.requestId));
    await restoreClearedLogins(app.deps, me.actor, clearRequest!.clearId!);
    expect(await runQueuedLoginClearJobs(app)).toBe(1);
    const [restoreRequest] = await app.deps.db
      .select()
      .from(loginClearRequests)
      .where(eq(loginClearRequests.kind, 'restore'));
    expect(restoreRequest).toMatchObject({ done: 3, skipped: 0, failure: null });
    expect(await rows()).toEqual(before);
  });
});
