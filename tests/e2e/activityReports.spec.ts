import { completeSetup, expect, importRoster, logIn, logOut, securityAdmin, test } from './fixtures.ts';

const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-3001,Grace,Hopper,grace.hopper@example.org,current',
  'M-3002,Alan,Turing,alan.turing@example.org,current',
];

test('Pending Invitations, Failed Deliveries and Login Activity in a real browser', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);

  await test.step('before any invitation, Pending Invitations says why it is empty', async () => {
    await page.goto('/admin/query-tool/pending-invitations');
    await expect(page.getByRole('heading', { level: 1, name: 'Pending Invitations' })).toBeVisible();
    await expect(page.getByText('No member is waiting on an invitation link right now.')).toBeVisible();
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await expect(crumbs.getByRole('link', { name: 'Query Tool' })).toHaveAttribute(
      'href',
      '/admin/query-tool',
    );
  });

  await test.step('after Send, Grace is listed with her link’s expiry and a way back to Send', async () => {
    await page.goto('/admin/member-management/invitation-codes');
    const grace = page.getByRole('row').filter({ hasText: 'grace.hopper@example.org' });
    await grace.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('status')).toContainText('Invitation to Grace Hopper kept in the Email Log');
    // The link is made when the worker sends the email; the report shows the state at page load.
    const row = page.getByRole('row').filter({ hasText: 'grace.hopper@example.org' });
    await expect(async () => {
      await page.goto('/admin/query-tool/pending-invitations');
      await expect(row).toContainText(/Expires in \d+ days/, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(page.getByRole('row').filter({ hasText: 'alan.turing@example.org' })).toHaveCount(0);

    // The filter works from the keyboard and without JavaScript (a GET form).
    await page.getByLabel('Expiring within').selectOption('1');
    await page.getByRole('button', { name: 'Apply' }).press('Enter');
    await expect(page).toHaveURL(/within=1/);
    await expect(page.getByText('No open invitation expires within 1 day.')).toBeVisible();
    await page.getByRole('link', { name: 'Show all pending invitations' }).click();
    await row.getByRole('link', { name: 'Find in Invitation Codes' }).click();
    await expect(page).toHaveURL(/invitation-codes\?search=M-3001/);
    await expect(
      page
        .getByRole('row')
        .filter({ hasText: 'grace.hopper@example.org' })
        .getByRole('button', { name: 'Send' }),
    ).toBeVisible();
  });

  await test.step('Failed Deliveries explains how to fix one, and says when there is none', async () => {
    await page.goto('/admin/query-tool/failed-deliveries');
    await expect(page.getByRole('heading', { name: 'How to fix a failed delivery' })).toBeVisible();
    await expect(page.getByText('No invitation email to members without a login has failed.')).toBeVisible();
    await page.getByLabel('Login').selectOption('all');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/login=all/);
  });

  await test.step('Login Activity shows the chart and the logins nobody has used since', async () => {
    await logOut(page);
    await logIn(page, securityAdmin.username, securityAdmin.password);
    await page.goto('/admin/query-tool/login-activity');
    await expect(page.getByRole('heading', { level: 1, name: 'Login Activity' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Logins per day' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Logins per day, newest day first' })).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Members who have never logged in since their login was created' }),
    ).toBeVisible();
  });
});
