import type { Page } from '@playwright/test';
import { completeSetup, expect, importRoster, test } from './fixtures.ts';

// Accented names among plain ones; the import reads UTF-8.
const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-3001,Anders,Ångström,anders@example.org,current',
  'M-3002,José,Castillo,jose@example.org,current',
  'M-3003,Ann,Adams,ann@example.org,current',
  'M-3004,Bob,Baker,bob@example.org,current',
];

/** The names in the list's rows, top to bottom. */
const listedNames = (page: Page) => page.getByRole('rowheader').allTextContents();

test('Invitation Codes: "Angstrom" finds Ångström, a typo shows close matches, Ångström sorts under A', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);
  await expect(page.getByText(/Imported: 4 added/)).toBeVisible();
  await page.goto('/admin/member-management/invitation-codes');

  await test.step('Ångström is listed under A, between Adams and Baker', async () => {
    const names = (await listedNames(page)).filter((n) => /Adams|Ångström|Baker|Castillo/.test(n));
    expect(names).toHaveLength(4);
    expect(names.join(' | ')).toMatch(/Adams.*Ångström.*Baker.*Castillo/);
  });

  await test.step('typing "Angstrom" finds Ångström', async () => {
    await page.getByLabel('Search').fill('Angstrom');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('row').filter({ hasText: 'anders@example.org' })).toContainText('Ångström');
    await expect(page.getByRole('row').filter({ hasText: 'bob@example.org' })).toHaveCount(0);
    await expect(
      page.getByRole('link', { name: 'Send to the members matching these filters' }),
    ).toBeVisible();
  });

  await test.step('a typo, "Castilo", shows the close match and says so', async () => {
    await page.getByLabel('Search').fill('Castilo');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByText('No member matches “Castilo” exactly; these are close.')).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'jose@example.org' })).toContainText('Castillo');
    // Send All targets exact matches only: it is not offered for a guess at a typo.
    await expect(page.getByRole('link', { name: 'Send to the members matching these filters' })).toHaveCount(
      0,
    );
  });
});
