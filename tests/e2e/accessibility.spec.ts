import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { completeSetup, expect, logIn, securityAdmin, test } from './fixtures.ts';

/**
 * axe-core (WCAG 2.0/2.1 A and AA rules) on every page of the portal as a browser shows it: public,
 * member, admin and error pages, in the states people meet them (empty, filtered, with a refused field).
 * Each page is listed by path below; `VISITED` is checked against the list at the end so that a page
 * cannot silently drop out.
 */
const PAGES = [
  // Public
  '/login',
  '/login (wrong password)',
  '/login (form expired, 403)',
  '/forgot-password',
  '/forgot-password (sent)',
  '/forgot-username',
  '/invite',
  '/invite (unknown code)',
  '/invite/:token (unknown link)',
  '/invite/:token',
  '/reset-password/:token (unknown link)',
  '/setup (already used)',
  // A member
  '/home',
  '/home (403 on /admin)',
  '/home/nothing (404)',
  '/logout (413, too large)',
  // Admin
  '/admin',
  '/admin/member-management',
  '/admin/member-management/import',
  '/admin/member-management/import (no file chosen)',
  '/admin/member-management/import/:uploadId',
  '/admin/member-management/import/:uploadId (410, expired)',
  '/admin/member-management/invitation-codes',
  '/admin/member-management/invitation-codes?search=',
  '/admin/member-management/invitation-codes?sentBefore= (refused date)',
  '/admin/member-management/invitation-codes?sort=email&dir=desc',
  '/admin/member-management/invitation-codes (after Send)',
  '/admin/member-management/invitation-codes/send-all',
  '/admin/member-management/invitation-codes/send-all?includeLapsed=1&skipRecentHours=0',
  '/admin/member-management/invitation-codes/rounds/:roundId',
  '/admin/member-management/invitation-codes/clear-all-usernames',
  '/admin/member-management/invitation-codes/clear-all-usernames (refused)',
  '/admin/member-management/invitation-codes/clear-all-usernames/:clearId',
  '/admin/member-management/invitation-codes/clear-all-usernames/:clearId/restore',
  '/admin/member-management/invitation-codes/clear-all-usernames/requests/:requestId',
  '/admin/members',
  '/admin/members?search=',
  '/admin/members?search= (no match)',
  '/admin/members/:id (with a login)',
  '/admin/members/:id (without a login)',
  '/admin/members/:id (invite link re-enabled)',
  '/admin/members/:id/login',
  '/admin/members/:id/login (refused username)',
  '/admin/members/999999 (404)',
  '/admin/email-log',
  '/admin/email-log?recipient=',
  '/admin/email-log/:id',
  '/admin/email-log/:id (revealed)',
  '/admin/audit-log',
  '/admin/audit-log?action=',
  '/admin/query-tool',
  '/admin/query-tool/member-roster-current',
  '/admin/query-tool/member-roster-current?sort=lastLogin&dir=desc',
  '/admin/query-tool/member-roster-current?lastLoginAfter= (refused date)',
  '/admin/query-tool/pending-invitations',
  '/admin/query-tool/failed-deliveries',
  '/admin/query-tool/login-activity',
  '/admin/query-tool/invitation-rounds',
  '/admin/settings/reminder-rounds',
  '/admin/api-tokens',
  '/admin/webhooks',
  '/api/docs',
  '/home (an administrator)',
  '/admin/nothing (404)',
] as const;

type Name = (typeof PAGES)[number];
const VISITED = new Set<Name>();

const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page as it is now; every violation is reported with the rule and the elements. */
async function audit(page: Page, name: Name) {
  await page.waitForLoadState('load');
  // Legacy mode runs axe in the page itself (the default opens a helper page per run), and not inside
  // frames: the Email Log's preview is a sandboxed frame without scripts, where axe cannot run and
  // would wait for an answer that never comes. The frame element itself (its title) is still checked.
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ iframes: false })
    .withTags(WCAG_AA)
    .analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect.soft(found, `axe on ${name} (${page.url()})`).toEqual([]);
  VISITED.add(name);
}

async function visit(page: Page, path: string, name: Name) {
  await page.goto(path);
  await audit(page, name);
}

const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-4001,Grace,Hopper,grace.hopper@example.org,current',
  'M-4002,Alan,Turing,alan.turing@example.org,current',
  'M-4003,Katherine,Johnson,katherine.johnson@example.org,lapsed',
];
const CODES = '/admin/member-management/invitation-codes';
const ROSTER_REPORT = '/admin/query-tool/member-roster-current';

async function uploadRoster(page: Page) {
  await page.goto('/admin/member-management/import');
  await page.getByLabel('Roster file (CSV)').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`${ROSTER.join('\n')}\n`, 'utf8'),
  });
  await page.getByRole('button', { name: 'Preview import' }).click();
  await expect(page.getByRole('button', { name: 'Apply import' })).toBeVisible();
}

/** Grace's profile: re-enable her invite link and follow it in her own browser to create a login. */
async function graceCreatesLogin(page: Page, browser: Browser) {
  await page.goto(`/admin/members?search=Grace`);
  await page.getByRole('link', { name: /Grace/ }).first().click();
  const profile = page.url();
  await page.getByRole('button', { name: 'Re-enable Invite Link' }).click();
  await audit(page, '/admin/members/:id (invite link re-enabled)');
  const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
  const grace = await (await browser.newContext()).newPage();
  await grace.goto(link);
  await audit(grace, '/invite/:token');
  await grace.getByLabel('Username').fill('grace');
  await grace.getByLabel('Password').fill('compiler moth nanosecond 1952');
  await grace.getByRole('button', { name: 'Create login' }).click();
  await expect(grace).toHaveURL(/\/home/);
  return { grace, profile };
}

test('axe finds no WCAG 2.1 AA violation on any page of the portal', async ({ page, portal, browser }) => {
  test.setTimeout(300_000);
  const visitor = await (await browser.newContext()).newPage();
  // The check itself can fail: axe does report a page with an unlabelled image and no language.
  await visitor.setContent('<html><body><main><img src="/none.png"></main></body></html>');
  const { violations } = await new AxeBuilder({ page: visitor })
    .setLegacyMode(true)
    .withTags(WCAG_AA)
    .analyze();
  expect(violations.map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'html-has-lang']));
  await completeSetup(page, portal);

  await test.step('public pages', async () => {
    await visit(visitor, '/login', '/login');
    await logIn(visitor, 'nobody', 'not the password at all');
    await audit(visitor, '/login (wrong password)');
    await visitor.context().clearCookies();
    await logIn(visitor, 'nobody', 'not the password at all');
    await expect(visitor.getByRole('heading', { name: 'This form has expired' })).toBeVisible();
    await audit(visitor, '/login (form expired, 403)');
    await visit(visitor, '/forgot-password', '/forgot-password');
    await visitor
      .getByLabel(/Email|Username/)
      .first()
      .fill('nobody@example.org');
    await visitor.getByRole('button').filter({ hasNotText: 'Log out' }).last().click();
    await audit(visitor, '/forgot-password (sent)');
    await visit(visitor, '/forgot-username', '/forgot-username');
    await visit(visitor, '/invite', '/invite');
    await visitor.getByRole('textbox').first().fill('NOT-A-CODE');
    await visitor.getByRole('button').last().click();
    await audit(visitor, '/invite (unknown code)');
    await visit(visitor, '/invite/not-a-real-token', '/invite/:token (unknown link)');
    await visit(visitor, '/reset-password/not-a-real-token', '/reset-password/:token (unknown link)');
    await visit(visitor, '/setup', '/setup (already used)');
  });

  await test.step('admin pages before there are members', async () => {
    await visit(page, '/admin', '/admin');
    await visit(page, '/admin/member-management', '/admin/member-management');
    await visit(page, '/admin/members', '/admin/members');
    await visit(page, '/admin/member-management/import', '/admin/member-management/import');
    await page.getByRole('button', { name: 'Preview import' }).click();
    await audit(page, '/admin/member-management/import (no file chosen)');
  });

  await test.step('import, Send, and a member who creates a login', async () => {
    await uploadRoster(page);
    await audit(page, '/admin/member-management/import/:uploadId');
    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect(page.getByText(/Imported: 3 added/)).toBeVisible();
    await visit(page, CODES, '/admin/member-management/invitation-codes');
    await page
      .getByRole('row')
      .filter({ hasText: 'alan.turing' })
      .getByRole('button', { name: 'Send' })
      .click();
    await expect(page.getByRole('status').first()).toContainText('kept in the Email Log');
    await audit(page, '/admin/member-management/invitation-codes (after Send)');
  });
  const { grace, profile } = await graceCreatesLogin(page, browser);

  await test.step('a member’s pages, and the error pages a member can meet', async () => {
    await audit(grace, '/home');
    await visit(grace, '/admin', '/home (403 on /admin)');
    await expect(grace.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
    await visit(grace, '/home/nothing', '/home/nothing (404)');
    await grace.goto('/home');
    // A form body over the limit (FORM_LIMIT_KB, 64 KB by default): the portal answers 413.
    await grace.evaluate(() => {
      const form = document.querySelector('form[action="/logout"]') as HTMLFormElement;
      const filler = Object.assign(document.createElement('input'), { type: 'hidden', name: 'filler' });
      filler.value = 'x'.repeat(100 * 1024);
      form.append(filler);
      form.submit();
    });
    await expect(grace.getByRole('heading', { name: 'Too large to send' })).toBeVisible();
    await audit(grace, '/logout (413, too large)');
  });

  await test.step('Invitation Codes in its states, Send All and its round', async () => {
    await visit(page, `${CODES}?search=Turing`, '/admin/member-management/invitation-codes?search=');
    await visit(
      page,
      `${CODES}?sentBefore=2026-02-30`,
      '/admin/member-management/invitation-codes?sentBefore= (refused date)',
    );
    await visit(
      page,
      `${CODES}?sort=email&dir=desc`,
      '/admin/member-management/invitation-codes?sort=email&dir=desc',
    );
    await visit(page, `${CODES}/send-all`, '/admin/member-management/invitation-codes/send-all');
    // Everyone invited minutes ago is skipped by default: ask for everyone, lapsed members included.
    await visit(
      page,
      `${CODES}/send-all?includeLapsed=1&skipRecentHours=0`,
      '/admin/member-management/invitation-codes/send-all?includeLapsed=1&skipRecentHours=0',
    );
    await page.getByRole('button', { name: /^Send \d+ invitations?$/ }).click();
    await expect(page.getByRole('heading', { name: /Send All #/ })).toBeVisible();
    await expect(page.getByRole('status')).toHaveText(/^Finished/, { timeout: 20_000 });
    await audit(page, '/admin/member-management/invitation-codes/rounds/:roundId');
  });

  await test.step('members, logins, logs and reports', async () => {
    await visit(page, '/admin/members?search=Hopper', '/admin/members?search=');
    await visit(page, '/admin/members?search=zzzz-nobody', '/admin/members?search= (no match)');
    await visit(page, profile, '/admin/members/:id (with a login)');
    await page.getByRole('region', { name: 'Login' }).getByRole('link', { name: 'Change login' }).click();
    await audit(page, '/admin/members/:id/login');
    await page.getByLabel('Username').fill('ada.okafor');
    await page.getByRole('button', { name: 'Change Username' }).click();
    await audit(page, '/admin/members/:id/login (refused username)');
    await page.goto('/admin/members?search=Johnson');
    await page
      .getByRole('link', { name: /Katherine/ })
      .first()
      .click();
    await audit(page, '/admin/members/:id (without a login)');
    await visit(page, '/admin/members/999999', '/admin/members/999999 (404)');
    await visit(page, '/admin/email-log', '/admin/email-log');
    await visit(page, '/admin/email-log?recipient=alan', '/admin/email-log?recipient=');
    await page.getByRole('row').filter({ hasText: 'alan.turing' }).getByRole('link').first().click();
    await audit(page, '/admin/email-log/:id');
    await page.getByRole('button', { name: 'Reveal link and code' }).click();
    await audit(page, '/admin/email-log/:id (revealed)');
    await visit(page, '/admin/audit-log', '/admin/audit-log');
    await visit(page, '/admin/audit-log?action=invitation', '/admin/audit-log?action=');
    await visit(page, '/admin/query-tool', '/admin/query-tool');
    await visit(page, ROSTER_REPORT, '/admin/query-tool/member-roster-current');
    await visit(
      page,
      `${ROSTER_REPORT}?sort=lastLogin&dir=desc`,
      '/admin/query-tool/member-roster-current?sort=lastLogin&dir=desc',
    );
    await visit(
      page,
      `${ROSTER_REPORT}?lastLoginAfter=2026-13-01`,
      '/admin/query-tool/member-roster-current?lastLoginAfter= (refused date)',
    );
    await visit(page, '/admin/query-tool/pending-invitations', '/admin/query-tool/pending-invitations');
    await visit(page, '/admin/query-tool/failed-deliveries', '/admin/query-tool/failed-deliveries');
    await visit(page, '/admin/query-tool/login-activity', '/admin/query-tool/login-activity');
    await visit(page, '/admin/query-tool/invitation-rounds', '/admin/query-tool/invitation-rounds');
    await visit(page, '/admin/settings/reminder-rounds', '/admin/settings/reminder-rounds');
    await visit(page, '/admin/api-tokens', '/admin/api-tokens');
    await visit(page, '/admin/webhooks', '/admin/webhooks');
    await visit(page, '/api/docs', '/api/docs');
    await visit(page, '/home', '/home (an administrator)');
    await visit(page, '/admin/nothing', '/admin/nothing (404)');
    await visit(
      page,
      '/admin/member-management/import/0d8f7c1e-0000-4000-8000-000000000000',
      '/admin/member-management/import/:uploadId (410, expired)',
    );
  });

  await test.step('Clear All Usernames, its result and its restore', async () => {
    await visit(
      page,
      `${CODES}/clear-all-usernames`,
      '/admin/member-management/invitation-codes/clear-all-usernames',
    );
    await page.getByRole('button', { name: 'Clear All Usernames' }).click();
    await audit(page, '/admin/member-management/invitation-codes/clear-all-usernames (refused)');
    await page.getByLabel('Confirmation').fill('clear 1 login');
    await page.getByLabel('Your password').fill(securityAdmin.password);
    await page.getByRole('button', { name: 'Clear All Usernames' }).click();
    // "Removed 1 login" shows while the member lists still follow; the link to the clear only once done.
    const clearLink = page.getByRole('link', { name: /^Clear All Usernames #\d+$/ });
    await expect(clearLink).toBeVisible({ timeout: 30_000 });
    await audit(page, '/admin/member-management/invitation-codes/clear-all-usernames/requests/:requestId');
    const clear = /clear-all-usernames\/(\d+)$/.exec((await clearLink.getAttribute('href')) ?? '')?.[1];
    expect(clear, 'the clear’s id, from the link to it').toBeTruthy();
    await visit(
      page,
      `${CODES}/clear-all-usernames/${clear}`,
      '/admin/member-management/invitation-codes/clear-all-usernames/:clearId',
    );
    await visit(
      page,
      `${CODES}/clear-all-usernames/${clear}/restore`,
      '/admin/member-management/invitation-codes/clear-all-usernames/:clearId/restore',
    );
  });

  expect(
    [...PAGES].filter((p) => !VISITED.has(p)),
    'pages the spec did not reach',
  ).toEqual([]);
  expect(PAGES.length).toBeGreaterThanOrEqual(53);
});
