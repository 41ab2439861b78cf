import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { completeSetup, expect, importRoster, openKeptEmail, test } from './fixtures.ts';

const MESSAGE = 'Our new member portal is open: race results, boat bookings and the newsletter in one place.';

const preview = (page: Page) => page.getByRole('region', { name: 'Preview of the invitation email' });
const previewHtml = (page: Page) => page.frameLocator('iframe[title="Invitation email preview"]');

test('a Security Administrator renames the organisation, sets the invitation email up with a live preview, and the next invitation uses it', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);

  await test.step('Admin › Settings opens Organisation settings with the defaults', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Organisation settings', level: 1 })).toBeVisible();
    await expect(page.getByLabel('Organisation name')).toHaveValue('Gatehouse');
    await expect(page.getByLabel('Link expiry (days)')).toHaveValue('30');
    await expect(preview(page)).toContainText('Your invitation to the Gatehouse member portal');
    // The default opening names the admin who sends it.
    await expect(previewHtml(page).getByText('Ada Okafor of Gatehouse invites you')).toBeVisible();
    // The preview frame is sandboxed (no scripts): axe cannot run inside it, and it is the email, not the page.
    const axe = await new AxeBuilder({ page }).options({ iframes: false }).setLegacyMode().analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  await test.step('the preview follows what is typed, before anything is saved', async () => {
    await page.getByLabel('Organisation name').fill('Riverside Rowing Club');
    await page.getByLabel('Sender name').fill('Riverside Office');
    await page.getByLabel('Invitation message').fill(MESSAGE);
    await expect(preview(page)).toContainText('Your invitation to the Riverside Rowing Club member portal');
    await expect(preview(page)).toContainText('Riverside Office <no-reply@localhost>');
    await expect(previewHtml(page).getByText(MESSAGE)).toBeVisible();
    await expect(previewHtml(page).getByText('Riverside Rowing Club', { exact: true })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText('Gatehouse');
  });

  await test.step('a bad reply-to address is refused next to its field, keeping the rest', async () => {
    await page.getByLabel('Reply-to address').fill('office at riverside');
    await page.getByLabel('Link expiry (days)').fill('14');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('alert')).toContainText('Enter the reply-to address as an email address');
    await expect(page.getByLabel('Reply-to address')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Organisation name')).toHaveValue('Riverside Rowing Club');
    await expect(page.getByLabel('Invitation message')).toHaveValue(MESSAGE);
    await expect(page.getByLabel('Link expiry (days)')).toHaveValue('14');
  });

  await test.step('saved: the new name shows in the page header from the next page on', async () => {
    await page.getByLabel('Reply-to address').fill('office@riverside.example');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toContainText('Settings saved');
    await expect(page.getByRole('banner')).toContainText('Riverside Rowing Club');
    await expect(page).toHaveTitle(/Riverside Rowing Club/);
    await expect(preview(page)).toContainText('office@riverside.example');
  });

  await test.step('without JavaScript the Preview button shows the typed settings', async () => {
    const context = await browser.newContext({
      baseURL: portal.baseUrl,
      javaScriptEnabled: false,
      storageState: await page.context().storageState(),
    });
    const plain = await context.newPage();
    await plain.goto('/admin/settings');
    await plain.getByLabel('Organisation name').fill('Riverside RC');
    await plain.getByRole('button', { name: 'Preview' }).click();
    await expect(preview(plain)).toContainText('Your invitation to the Riverside RC member portal');
    await expect(plain.getByLabel('Organisation name')).toHaveValue('Riverside RC');
    await expect(plain.getByRole('banner')).toContainText('Riverside Rowing Club');
    await context.close();
  });

  await test.step('the next invitation is written with the saved settings', async () => {
    await importRoster(page, [
      'member_number,first_name,last_name,email,status',
      'M-3001,Grace,Hopper,grace.hopper@example.org,current',
    ]);
    await page.goto('/admin/member-management/invitation-codes');
    await page
      .getByRole('row')
      .filter({ hasText: 'grace.hopper@example.org' })
      .getByRole('button', { name: 'Send' })
      .click();
    await expect(page.getByRole('status')).toContainText('Invitation to Grace Hopper kept in the Email Log');
    await openKeptEmail(page, 'grace.hopper@example.org');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Your invitation to the Riverside Rowing Club member portal',
    );
    await expect(page.locator('pre.email-text')).toContainText(`Hello Grace,\n\n${MESSAGE}`);
  });
});
