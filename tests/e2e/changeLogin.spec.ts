import { completeSetup, expect, importRoster, logIn, test } from './fixtures.ts';

const OWN_PASSWORD = 'compiler moth nanosecond 1952';
const TEMPORARY = 'lantern biscuit harbour 58';

test('a Security Administrator changes a member’s username and sets a temporary password', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);

  await test.step('the roster has Grace, and Grace makes her login from a copied invite link', async () => {
    await importRoster(page, [
      'member_number,first_name,last_name,email,status',
      'M-3001,Grace,Hopper,grace.hopper@example.org,current',
    ]);
  });

  const openProfile = async () => {
    await page.goto('/admin/members');
    await page.getByLabel('Search').fill('M-3001');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: /Grace Hopper/ }).click();
    await expect(page.getByRole('heading', { name: 'Grace Hopper', level: 1 })).toBeVisible();
  };

  const grace = await (await browser.newContext()).newPage();
  await test.step('Grace creates her login', async () => {
    await openProfile();
    await page.getByRole('button', { name: 'Re-enable Invite Link' }).click();
    const link = await page.getByRole('textbox', { name: 'Invite link' }).inputValue();
    await grace.goto(link);
    await grace.getByLabel('Username').fill('grace');
    await grace.getByLabel('Password').fill(OWN_PASSWORD);
    await grace.getByRole('button', { name: 'Create login' }).click();
    await expect(grace).toHaveURL(/\/home/);
  });

  await test.step('Profile › Change login › Change Username', async () => {
    await openProfile();
    const login = page.getByRole('region', { name: 'Login' });
    await expect(login).toContainText('grace');
    await login.getByRole('link', { name: 'Change login' }).click();
    await expect(page).toHaveURL(/\/admin\/members\/\d+\/login$/);
    await expect(page.getByRole('heading', { name: 'Change login: Grace Hopper' })).toBeVisible();
    await expect(page.getByLabel('Username')).toHaveValue('grace');
    await page.getByLabel('Username').fill('ada.okafor');
    await page.getByRole('button', { name: 'Change Username' }).click();
    await expect(page.getByText('That username is taken. Choose another.').first()).toBeVisible();
    await expect(page.getByLabel('Username')).toHaveValue('ada.okafor');
    await page.getByLabel('Username').fill('grace.hopper');
    await page.getByRole('button', { name: 'Change Username' }).click();
    await expect(page.getByRole('status')).toContainText('The username is changed.');
    await expect(page.getByLabel('Username')).toHaveValue('grace.hopper');
  });

  await test.step('… then Change Password with a temporary password', async () => {
    await page.getByLabel('New password').fill(TEMPORARY);
    await page.getByRole('button', { name: 'Change Password' }).click();
    await expect(page.getByRole('status')).toContainText('must choose a new password at the next login');
  });

  await test.step('Grace was signed out; the old username and the old password no longer work', async () => {
    await grace.goto('/home');
    await expect(grace).toHaveURL(/\/login/);
    for (const [username, password] of [
      ['grace', TEMPORARY],
      ['grace.hopper', OWN_PASSWORD],
    ] as const) {
      await logIn(grace, username, password);
      // The login page came back (the password field is empty again), with the error.
      await expect(grace.getByLabel('Password')).toHaveValue('');
      await expect(grace.locator('#username-error')).toContainText('That username and password do not match');
    }
  });

  await test.step('the new username and the temporary password lead to Choose a new password', async () => {
    await logIn(grace, 'grace.hopper', TEMPORARY);
    await expect(grace.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await grace.goto('/home');
    await expect(grace.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await grace.getByLabel('New password').fill('teacup glacier violin 1906');
    await grace.getByRole('button', { name: 'Save new password' }).click();
    await expect(grace.getByRole('button', { name: 'Log out' })).toBeVisible();
    await expect(grace.getByRole('heading', { name: 'Choose a new password' })).toHaveCount(0);
  });
});
