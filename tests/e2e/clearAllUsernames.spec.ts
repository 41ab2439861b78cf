import type { Browser, Page } from '@playwright/test';
import { completeSetup, expect, importRoster, logIn, securityAdmin, test } from './fixtures.ts';

const CODES = '/admin/member-management/invitation-codes';

const MEMBERS = [
  {
    first: 'Grace',
    last: 'Hopper',
    email: 'grace.hopper@example.org',
    username: 'grace',
    password: 'compiler moth nanosecond 1952',
  },
  {
    first: 'Alan',
    last: 'Turing',
    email: 'alan.turing@example.org',
    username: 'alan',
    password: 'enigma bombe marathon 1912',
  },
];

const ROSTER = [
  'member_number,first_name,last_name,email,status',
  ...MEMBERS.map((m, i) => `M-${3001 + i},${m.first},${m.last},${m.email},current`),
];

/** The admin issues a copyable invite link on the profile; the member opens it in their own browser. */
async function memberCreatesLogin(page: Page, browser: Browser, member: (typeof MEMBERS)[number]) {
  await page.goto(CODES);
  await page.getByRole('row').filter({ hasText: member.email }).getByRole('link').first().click();
  await page.getByRole('button', { name: 'Re-enable Invite Link' }).click();
  const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
  const own = await browser.newContext();
  const memberPage = await own.newPage();
  await memberPage.goto(link);
  await memberPage.getByLabel('Username').fill(member.username);
  await memberPage.getByLabel('Password').fill(member.password);
  await memberPage.getByRole('button', { name: 'Create login' }).click();
  await expect(memberPage).toHaveURL(/\/home/);
  return memberPage;
}

test('a Security Administrator clears all usernames, sees the members back, and restores them', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);
  const grace = await memberCreatesLogin(page, browser, MEMBERS[0]!);
  await memberCreatesLogin(page, browser, MEMBERS[1]!);

  await test.step('Clear All Usernames shows the count and asks for the phrase and the password', async () => {
    await page.goto(CODES);
    await expect(page.getByRole('row').filter({ hasText: 'grace.hopper@example.org' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Clear All Usernames' }).click();
    await expect(page.getByRole('heading', { name: 'Clear All Usernames', level: 1 })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Logins this would remove' })).toContainText(
      '2 member logins',
    );
    await page.getByLabel('Confirmation').fill('clear 2 logins');
    await page.getByLabel('Your password').fill(securityAdmin.password);
    await page.getByRole('button', { name: 'Clear All Usernames' }).click();
  });

  await test.step('the request answers at once; its page follows the worker’s job to the outcome', async () => {
    await expect(page).toHaveURL(/\/clear-all-usernames\/requests\/\d+$/);
    await expect(page.getByRole('heading', { name: /^Clear All Usernames: request #\d+$/ })).toBeVisible();
    // The worker runs it (serve runs one in the same process); the page reads itself again until done.
    await expect(page.getByRole('status')).toContainText('Removed 2 logins', { timeout: 30_000 });
    await expect(page.getByRole('link', { name: /^Clear All Usernames #\d+$/ })).toBeVisible();
  });

  await test.step('Grace is signed out at once', async () => {
    await grace.reload();
    await expect(grace).toHaveURL(/\/login/);
  });

  await test.step('the members are back in Invitation Codes', async () => {
    await page.goto(CODES);
    for (const m of MEMBERS) await expect(page.getByRole('row').filter({ hasText: m.email })).toBeVisible();
  });

  await test.step('Restore asks first, then brings the logins back', async () => {
    await page.getByRole('button', { name: 'Restore cleared logins' }).click();
    await expect(page.getByRole('heading', { name: 'Restore cleared logins' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'What a restore would do' })).toContainText(
      '2 logins can come back',
    );
    await page.getByRole('button', { name: 'Restore cleared logins' }).click();
    await expect(page.getByRole('heading', { name: /^Restore cleared logins: request #\d+$/ })).toBeVisible();
    // The whole sentence: while the member lists follow, it goes on with their progress.
    await expect(page.getByRole('status')).toHaveText('Restored 2 logins; 0 logins could not come back.', {
      timeout: 30_000,
    });
    await page.goto(CODES);
    await expect(page.getByRole('row').filter({ hasText: 'grace.hopper@example.org' })).toHaveCount(0);
  });

  await test.step('Grace logs in again with her old password', async () => {
    await logIn(grace, MEMBERS[0]!.username, MEMBERS[0]!.password);
    await expect(grace.getByRole('button', { name: 'Log out' })).toBeVisible();
    await expect(grace.getByRole('heading', { name: 'Welcome, Grace' })).toBeVisible();
  });
});
