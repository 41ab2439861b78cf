import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { completeSetup, expect, logIn, logOut, securityAdmin, test } from './fixtures.ts';

/** axe (WCAG 2.1 AA), as accessibility.spec.ts runs it, on the page as it is now. */
async function expectAccessible(page: Page) {
  await page.waitForLoadState('load');
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('first-run setup takes the Security Administrator through the authenticator set-up, then sign-in asks for a code', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal); // includes the forced set-up (fixtures.ts setUpAuthenticator)
  await expect(page).toHaveURL(/\/admin\?welcome=1$/);
  await logOut(page);
  await logIn(page, securityAdmin.username, securityAdmin.password); // types the next code
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await logOut(page);
  await page.getByLabel('Username').fill(securityAdmin.username);
  await page.getByLabel('Password').fill(securityAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  await expectAccessible(page);
  await page.getByLabel('Code', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right');
  await expectAccessible(page);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/login/);
});

test('the set-up page shows the QR code and the key, accessibly', async ({ page, portal }) => {
  await page.goto(portal.setupUrl);
  await page.getByLabel('First name').fill(securityAdmin.firstName);
  await page.getByLabel('Last name').fill(securityAdmin.lastName);
  await page.getByLabel('Email').fill(securityAdmin.email);
  await page.getByLabel('Username').fill(securityAdmin.username);
  await page.getByLabel('Password').fill(securityAdmin.password);
  await page.getByRole('button', { name: 'Create Security Administrator' }).click();
  // The forced set-up: another page is not reachable by typing its address.
  await expect(page).toHaveURL(/\/home\/security\?next=/);
  await page.goto('/admin/audit-log');
  await expect(page).toHaveURL(/\/home\/security\?next=%2Fadmin%2Faudit-log/);
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expect(page.locator('#secret-key')).toHaveText(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  await expectAccessible(page);
  await page.getByLabel('Code', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Turn on authenticator app' }).click();
  await expect(page.getByRole('alert')).toContainText('That code does not match');
  await expectAccessible(page);
});

test('recovery codes are regenerated, shown once, and sign in instead of a code', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal);
  await page.goto('/home/security');
  await expect(page.getByRole('heading', { level: 2, name: 'Recovery codes' })).toBeVisible();
  const regenerate = page.getByRole('button', { name: 'Regenerate recovery codes' });
  await expectAccessible(page);
  await regenerate.click();
  await expectAccessible(page);
  const codes = await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allTextContents();
  expect(codes).toHaveLength(10);
  await page.getByRole('link', { name: 'Continue' }).click();
  await logOut(page);

  await page.getByLabel('Username').fill(securityAdmin.username);
  await page.getByLabel('Password').fill(securityAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/admin$/);
});
