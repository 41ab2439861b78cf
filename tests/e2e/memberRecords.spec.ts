import { completeSetup, expect, openKeptEmail, test } from './fixtures.ts';

const GRACE_PASSWORD = 'compiler moth nanosecond 1952';

test('an administrator adds a member, and edits her record once she has a login', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);

  await test.step('Member Search › Add member: a bad email is refused next to its field, the rest kept', async () => {
    await page.goto('/admin/members');
    await page.getByRole('link', { name: 'Add member' }).click();
    await expect(page).toHaveURL(/\/admin\/members\/new$/);
    await expect(page.getByRole('heading', { name: 'Add member', level: 1 })).toBeVisible();
    await page.getByLabel('Member number').fill('M-3001');
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    // The browser's own check of type=email would stop the form; the server's check is what is tested.
    await page.locator('form[action="/admin/members/new"]').evaluate((f) => f.setAttribute('novalidate', ''));
    await page.getByLabel('Email').fill('grace.example.org');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.getByLabel('Email')).toHaveAccessibleDescription(
      'Email "grace.example.org" is not a valid address',
    );
    await expect(page.getByLabel('Last name')).toHaveValue('Hopper');
    await page.getByLabel('Email').fill('grace.hopper@example.org');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.getByRole('status')).toContainText('The member is added to the roster.');
    await expect(page.getByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Member' })).toContainText('M-3001');
  });

  const profile = page.url().replace(/\?.*$/, '');
  const grace = await (await browser.newContext()).newPage();
  await test.step('Grace creates her login from a copied invite link', async () => {
    await page.getByRole('button', { name: 'Re-enable Invite Link' }).click();
    const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
    await grace.goto(link);
    await grace.getByLabel('Username').fill('grace');
    await grace.getByLabel('Password').fill(GRACE_PASSWORD);
    await grace.getByRole('button', { name: 'Create login' }).click();
    await expect(grace).toHaveURL(/\/home/);
  });

  await test.step('Profile › Edit member: a new last name and email are saved', async () => {
    await page.goto(profile);
    await page.getByRole('link', { name: 'Edit member' }).click();
    await expect(page).toHaveURL(/\/admin\/members\/\d+\/edit$/);
    await expect(page.getByLabel('Member number')).toHaveValue('M-3001');
    await expect(page.getByLabel('Status')).toHaveValue('current');
    await page.getByLabel('Last name').fill('Hopper-Murray');
    await page.getByLabel('Email').fill('grace.murray@example.org');
    await page.getByLabel('Status').selectOption('Lapsed');
    await page.getByRole('button', { name: 'Save member' }).click();
    await expect(page.getByRole('status')).toContainText('The member’s record is saved.');
    await expect(page.getByRole('heading', { name: 'Grace Hopper-Murray', level: 1 })).toBeVisible();
    const member = page.getByRole('region', { name: 'Member' });
    await expect(member).toContainText('grace.murray@example.org');
    await expect(member).toContainText('Lapsed');
  });

  await test.step('the old address is told, and the Audit Log has old → new', async () => {
    await openKeptEmail(page, 'grace.hopper@example.org');
    await expect(page.locator('pre.email-text')).toContainText('has changed the email address');
    await page.goto('/admin/audit-log');
    const event = page.getByRole('row').filter({ hasText: 'grace.murray@example.org' });
    await expect(event.first()).toContainText('grace.hopper@example.org');
  });
});
