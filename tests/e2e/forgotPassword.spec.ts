import type { Page } from '@playwright/test';
import { completeSetup, expect, logIn, logOut, test } from './fixtures.ts';

const OLD_PASSWORD = 'compiler moth nanosecond 1952';
const NEW_PASSWORD = 'harbour lamp cobalt 1906';

/** No SMTP server in e2e: the Email Log is the mailbox. Opens the newest message of a kind to an address. */
async function readEmail(page: Page, to: string, kind: string): Promise<string> {
  const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: kind });
  // The worker takes a moment; the Email Log shows the state as of the page load, so look again.
  await expect(async () => {
    await page.goto('/admin/email-log');
    await expect(row.first()).toContainText('Kept in Email Log', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await row.first().getByRole('link').click();
  return (await page.locator('pre.email-text').textContent()) ?? '';
}

test('a member who forgot their password gets a link by email and logs in with the new password', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);

  await test.step('Grace is on the roster and has a login', async () => {
    await page.goto('/admin/member-management/import');
    await page.getByLabel('Roster file (CSV)').setInputFiles({
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'member_number,first_name,last_name,email,status\nM-2001,Grace,Hopper,grace.hopper@example.org,current\n',
      ),
    });
    await page.getByRole('button', { name: 'Preview import' }).click();
    await page.getByRole('button', { name: 'Apply import' }).click();
    await page.goto('/admin/member-management/invitation-codes');
    await page
      .getByRole('row')
      .filter({ hasText: 'grace.hopper@example.org' })
      .getByRole('button', { name: 'Send' })
      .click();
    const text = await readEmail(page, 'grace.hopper@example.org', 'Invitation');
    const invite = /(http:\/\/\S+\/invite\/[\w-]+)/.exec(text)![1]!;
    const own = await browser.newContext();
    const grace = await own.newPage();
    await grace.goto(invite);
    await grace.getByLabel('Username').fill('grace');
    await grace.getByLabel('Password').fill(OLD_PASSWORD);
    await grace.getByRole('button', { name: 'Create login' }).click();
    await expect(grace).toHaveURL(/\/home/);
    await own.close();
  });

  const own = await browser.newContext();
  const grace = await own.newPage();

  await test.step('Grace asks for a link from the login page', async () => {
    await grace.goto(`${portal.baseUrl}/login`);
    await grace.getByRole('link', { name: 'Forgot password?' }).click();
    await expect(grace.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
    await grace.getByLabel('Username or email').fill('grace.hopper@example.org');
    await grace.getByRole('button', { name: 'Email me a link' }).click();
    await expect(grace.getByRole('status')).toContainText('If that matches a login, we have emailed a link');
  });

  const link = await test.step('the email carries a reset link', async () => {
    const text = await readEmail(page, 'grace.hopper@example.org', 'Password reset');
    expect(text).toContain('your login "grace"');
    return /(http:\/\/\S+\/reset-password\/[\w-]+)/.exec(text)![1]!;
  });

  await test.step('Grace sets a new password and is signed in', async () => {
    await grace.goto(link);
    await expect(grace.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
    await grace.getByLabel('New password').fill(NEW_PASSWORD);
    await grace.getByRole('button', { name: 'Set new password' }).click();
    await expect(grace).toHaveURL(/\/home/);
    await expect(grace.getByRole('status')).toContainText('Your new password is set');
    await expect(grace.getByRole('heading', { name: 'Recent logins' })).toBeVisible();
  });

  await test.step('the old password no longer works, the new one does, and the link is used up', async () => {
    await logOut(grace);
    await logIn(grace, 'grace', OLD_PASSWORD);
    await expect(grace.locator('#username-error')).toContainText('That username and password do not match');
    await logIn(grace, 'grace', NEW_PASSWORD);
    await expect(grace.getByRole('button', { name: 'Log out' })).toBeVisible();
    await grace.goto(link);
    await expect(grace.getByRole('heading', { name: 'This link has already been used' })).toBeVisible();
  });
  await own.close();
});
