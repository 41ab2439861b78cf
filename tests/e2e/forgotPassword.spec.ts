import { completeSetup, expect, importRoster, inviteLinkIn, openKeptEmail, test } from './fixtures.ts';

const OLD_PASSWORD = 'compiler moth nanosecond 1952';

test('without an email server, Forgot password says so and the Email Log never shows the reset link', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);

  await test.step('Grace is on the roster and has a login', async () => {
    await importRoster(page, [
      'member_number,first_name,last_name,email,status',
      'M-2001,Grace,Hopper,grace.hopper@example.org,current',
    ]);
    await page.goto('/admin/member-management/invitation-codes');
    await page
      .getByRole('row')
      .filter({ hasText: 'grace.hopper@example.org' })
      .getByRole('button', { name: 'Send' })
      .click();
    const text = await openKeptEmail(page, 'grace.hopper@example.org', { kind: 'Invitation', reveal: true });
    const invite = inviteLinkIn(text);
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

  await test.step('Grace asks for a link and is told plainly that none can arrive', async () => {
    await grace.goto(`${portal.baseUrl}/login`);
    await grace.getByRole('link', { name: 'Forgot password?' }).click();
    await expect(grace.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
    await expect(grace.getByRole('note')).toContainText('This portal does not send email at the moment');
    await grace.getByLabel('Username or email').fill('grace.hopper@example.org');
    await grace.getByRole('button', { name: 'Email me a link' }).click();
    await expect(grace.getByRole('heading', { name: 'No email can be sent' })).toBeVisible();
    await expect(grace.getByRole('note')).toContainText('Ask a Security Administrator');
  });

  await test.step('the Email Log keeps the request, never its link', async () => {
    const text = await openKeptEmail(page, 'grace.hopper@example.org', { kind: 'Password reset' });
    expect(text).toContain('your login "grace"');
    expect(text).not.toMatch(/reset-password\/[\w-]{20,}/);
    await expect(page.getByRole('note').filter({ hasText: 'only the member’s own mailbox' })).toBeVisible();
    await expect(page.getByRole('button', { name: /Reveal/ })).toHaveCount(0);
  });
  await own.close();
  // What works instead, a temporary password set by a Security Administrator: changeLogin.spec.ts.
});
