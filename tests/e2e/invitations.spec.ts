import {
  completeSetup,
  expect,
  importRoster,
  inviteLinkIn,
  logIn,
  logOut,
  openKeptEmail,
  test,
} from './fixtures.ts';

const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-2001,Grace,Hopper,grace.hopper@example.org,current',
  'M-2002,Alan,Turing,alan.turing@example.org,current',
];

test('the invitation loop: Send, the member follows the emailed link, creates a login and leaves the list', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);

  await test.step('the admin presses Send on Grace’s row', async () => {
    await page.goto('/admin/member-management/invitation-codes');
    const grace = page.getByRole('row').filter({ hasText: 'grace.hopper@example.org' });
    await expect(grace).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'alan.turing@example.org' })).toBeVisible();
    await grace.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('status')).toContainText('Invitation to Grace Hopper kept in the Email Log');
  });

  // No SMTP server is configured, so the email waits in the Email Log: that is where its link is read.
  const link = await test.step('the invitation email carries a personal link', async () => {
    // Hidden until revealed: a Security Administrator's reveal is an action of its own, in the Audit Log.
    expect(await openKeptEmail(page, 'grace.hopper@example.org')).toContain('link hidden');
    await page.getByRole('button', { name: 'Reveal link and code' }).click();
    return inviteLinkIn((await page.locator('pre.email-text').textContent()) ?? '');
  });

  await test.step('Grace opens the link in her own browser and creates her login', async () => {
    const own = await browser.newContext();
    const grace = await own.newPage();
    await grace.goto(link);
    await expect(grace.getByRole('heading', { name: 'Welcome, Grace' })).toBeVisible();
    await grace.getByLabel('Username').fill('grace');
    await grace.getByLabel('Password').fill('compiler moth nanosecond 1952');
    await grace.getByRole('button', { name: 'Create login' }).click();
    await expect(grace).toHaveURL(/\/home/);
    await expect(grace.getByRole('heading', { name: 'Welcome, Grace' })).toBeVisible();
    await logOut(grace);
    await logIn(grace, 'grace', 'compiler moth nanosecond 1952');
    await expect(grace.getByRole('button', { name: 'Log out' })).toBeVisible();
    await own.close();
  });

  await test.step('Grace has left the Invitation Codes list; Alan has not', async () => {
    await page.goto('/admin/member-management/invitation-codes');
    await expect(page.getByRole('row').filter({ hasText: 'alan.turing@example.org' })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'grace.hopper@example.org' })).toHaveCount(0);
  });

  await test.step('Send All asks first, then runs and reports its progress', async () => {
    await page.getByRole('link', { name: 'Send All' }).click();
    await expect(page.getByText(/This emails an invitation to 1 member/)).toBeVisible();
    await page.getByRole('button', { name: 'Send 1 invitation' }).click();
    await expect(page.getByRole('heading', { name: /Send All #/ })).toBeVisible();
    await expect(page.getByRole('status')).toHaveText(/^Finished/, { timeout: 20_000 });
  });
});
