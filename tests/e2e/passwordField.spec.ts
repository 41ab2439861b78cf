import {
  completeSetup,
  expect,
  importRoster,
  inviteLinkIn,
  openKeptEmail,
  securityAdmin,
  test,
} from './fixtures.ts';

// The setup page's password field is the shared PasswordField (as on the invitation, Choose password and
// reset pages); it is the one reachable without email, so the browser tests use it.
test.use({ viewport: { width: 390, height: 844 } });

test('lists the rules, ticks them off as typed, estimates strength and shows the password, at 390 px', async ({
  page,
  portal,
}) => {
  await page.goto(portal.setupUrl);
  const password = page.getByLabel('Password', { exact: true });
  const rules = page.getByRole('listitem');
  const lengthRule = rules.filter({ hasText: /^.*At least 12 characters/ });
  const personalRule = rules.filter({ hasText: 'Not built from your name' });
  await expect(lengthRule).toBeVisible();
  await expect(password).toHaveAccessibleDescription(/At least 12 characters.*Hard to guess/);

  await page.getByLabel('Username').fill('ada.okafor');
  await password.fill('short');
  await expect(lengthRule).toHaveAttribute('data-state', 'unmet');
  await expect(lengthRule).toContainText('Not yet:');
  await expect(page.getByText('Strength (an estimate): Too short')).toBeVisible();
  // Long enough, but a word with a year added: the server refuses it, and the estimate says Weak.
  await password.fill('Summer2024!!');
  await expect(lengthRule).toHaveAttribute('data-state', 'met');
  await expect(page.getByText('Strength (an estimate): Weak')).toBeVisible();

  await password.fill('okafor okafor okafor');
  await expect(lengthRule).toHaveAttribute('data-state', 'met');
  await expect(personalRule).toHaveAttribute('data-state', 'warn');
  await expect(personalRule).toContainText('Contains “okafor”');
  await expect(page.getByText('Strength (an estimate): Weak')).toBeVisible();

  await password.fill(securityAdmin.password);
  await expect(personalRule).toHaveAttribute('data-state', 'met');
  await expect(page.getByText('Strength (an estimate): Strong')).toBeVisible();

  const toggle = page.getByRole('button', { name: 'Show password' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(password).toHaveAttribute('type', 'text');
  await toggle.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(password).toHaveAttribute('type', 'password');

  // On a phone: nothing wider than the screen, the toggle inside it.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = (await toggle.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
});

test('is a plain password field with the rules listed when JavaScript is off', async ({
  browser,
  portal,
}) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  await page.goto(portal.setupUrl);
  await expect(page.getByRole('listitem').filter({ hasText: 'At least 12 characters' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show password' })).toHaveCount(0);
  await expect(page.getByText(/Strength/)).toBeHidden();
  // The rules are the server's: a short password is refused with the same number.
  await page.getByLabel('First name').fill(securityAdmin.firstName);
  await page.getByLabel('Last name').fill(securityAdmin.lastName);
  await page.getByLabel('Email').fill(securityAdmin.email);
  await page.getByLabel('Username').fill(securityAdmin.username);
  await page.getByLabel('Password', { exact: true }).fill('too short');
  await page.getByRole('button', { name: 'Create Security Administrator' }).click();
  await expect(page.getByRole('alert')).toContainText('Use at least 12 characters.');
  await context.close();
});

test('on the invitation page, on a phone: the rules as typed, Show password, and a username with ë', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);
  await importRoster(page, [
    'member_number,first_name,last_name,email,status',
    'M-1,Zoë,Quinn,zoe@example.org,current',
  ]);
  await page.goto('/admin/member-management/invitation-codes');
  await page
    .getByRole('row')
    .filter({ hasText: 'zoe@example.org' })
    .getByRole('button', { name: 'Send' })
    .click();
  // No SMTP server is configured: the link is read from the Email Log.
  const link = inviteLinkIn(await openKeptEmail(page, 'zoe@example.org', { reveal: true }));

  const own = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const zoe = await own.newPage();
  await zoe.goto(link);
  await expect(zoe.getByLabel('Username')).toHaveAccessibleDescription(/letters \(including accented ones\)/);
  const password = zoe.getByLabel('Password', { exact: true });
  await password.fill('zoë quinn 2024');
  await expect(zoe.getByRole('listitem').filter({ hasText: 'Not built from your name' })).toContainText(
    'Contains “zoë”',
  );
  const toggle = zoe.getByRole('button', { name: 'Show password' });
  await toggle.tap();
  await expect(password).toHaveAttribute('type', 'text');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(
    await zoe.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);

  await zoe.getByLabel('Username').fill('Zoë');
  await password.fill('lantern orchard pebble 81');
  await expect(zoe.getByText('Strength (an estimate): Strong')).toBeVisible();
  await zoe.getByRole('button', { name: 'Create login' }).click();
  await expect(zoe).toHaveURL(/\/home/);
  await own.close();
});
