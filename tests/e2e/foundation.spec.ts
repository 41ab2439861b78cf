import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { completeSetup, expect, logIn, logOut, securityAdmin, test } from './fixtures.ts';

const ROSTER_HEADER = 'member_number,first_name,last_name,email,status';
const GRACE = 'M-1001,Grace,Hopper,grace.hopper@example.org,current';
const ROSTER_ROWS = [
  GRACE,
  'M-1002,Alan,Turing,alan.turing@example.org,lapsed',
  'M-1003,Katherine,Johnson,katherine.johnson@example.org,current',
];
// Line 3 of the file (the header is line 1) has an email address that is not one.
const ROSTER_WITH_PROBLEM = [ROSTER_HEADER, GRACE, 'M-1002,Alan,Turing,not-an-email,lapsed'];
const ROSTER_FIXED = [ROSTER_HEADER, ...ROSTER_ROWS];

/** Screenshots for a person to look at; not compared by the tests. */
const screenshotPath = (name: string) => path.join(process.env.E2E_SCREENSHOT_DIR ?? tmpdir(), name);

/** One figure of the preview's "What the import would do" list, e.g. `3 To be added`. */
async function expectCount(page: Page, label: string, n: number) {
  const item = page
    .getByRole('list', { name: 'What the import would do' })
    .getByRole('listitem')
    .filter({ hasText: label });
  await expect(item).toHaveText(`${n} ${label}`);
}

async function uploadRoster(page: Page, lines: string[]) {
  await page.getByLabel('Roster file (CSV)').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'),
  });
  await page.getByRole('button', { name: 'Preview import' }).click();
}

test('the foundation: set up, import the roster, log out, log back in', async ({ page, portal }) => {
  await test.step('the setup link creates the first Security Administrator', async () => {
    await completeSetup(page, portal);
    const adminNav = page.getByRole('navigation', { name: 'Admin', exact: true });
    for (const name of ['Member Management', 'Invitation Codes', 'Member Search', 'Query Tool']) {
      await expect(adminNav.getByRole('link', { name })).toBeVisible();
    }
    await page.screenshot({ path: screenshotPath('gatehouse-admin.png'), fullPage: true });
  });

  await test.step('an import with a bad row reports its line and imports nothing', async () => {
    await page
      .getByRole('navigation', { name: 'Admin', exact: true })
      .getByRole('link', { name: 'Member Management' })
      .click();
    await expect(page).toHaveURL(/\/admin\/member-management$/);
    await page.getByRole('link', { name: 'Import members' }).click();
    await expect(page).toHaveURL(/\/admin\/member-management\/import$/);
    await uploadRoster(page, ROSTER_WITH_PROBLEM);
    await expectCount(page, 'Invalid rows', 1);
    const problem = page.getByRole('row').filter({ hasText: 'not-an-email' });
    await expect(problem.getByRole('cell').first()).toHaveText('3');
  });

  await test.step('the corrected file previews cleanly and applies', async () => {
    await page.getByRole('link', { name: 'Upload a different file' }).click();
    await uploadRoster(page, ROSTER_FIXED);
    // All three are new: nothing from the refused file was imported.
    await expectCount(page, 'To be added', ROSTER_ROWS.length);
    await expectCount(page, 'Invalid rows', 0);
    await expect(page.getByRole('heading', { name: 'Problems' })).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('gatehouse-import-preview.png'), fullPage: true });
    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect(page.getByRole('main')).toContainText(
      `Imported: ${ROSTER_ROWS.length} added, 0 updated, 0 unchanged`,
    );
  });

  await test.step('"Import valid rows only" applies the good rows of a file with a bad one', async () => {
    await page.goto('/admin/member-management/import');
    await uploadRoster(page, [
      ROSTER_HEADER,
      'M-1002,Alan,Turing,alan.turing@example.org,current',
      'M-1004,Dorothy,Vaughan,,current',
    ]);
    await expectCount(page, 'To be updated', 1);
    await page.screenshot({ path: screenshotPath('gatehouse-import-preview-problem.png'), fullPage: true });
    await page.getByLabel('Import valid rows only').check();
    await page.getByRole('button', { name: 'Apply import' }).click();
    await expect(page.getByRole('main')).toContainText('Imported: 0 added, 1 updated, 0 unchanged');
  });

  await test.step('log out, then log back in with the new login', async () => {
    await logOut(page);
    await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
    await logIn(page, securityAdmin.username, securityAdmin.password);
    const account = page.getByRole('navigation', { name: 'Account' });
    await expect(account.getByRole('link', { name: 'Admin', exact: true })).toBeVisible();
    await account.getByRole('link', { name: 'Admin', exact: true }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await logOut(page);
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/login/);
  });
});

test('a wrong password is refused and stays on the login page', async ({ page, portal }) => {
  await completeSetup(page, portal);
  await logOut(page);
  await logIn(page, securityAdmin.username, `${securityAdmin.password} (not quite)`);
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('alert')).toContainText(
    'That username and password do not match. Check both and try again.',
  );
  await expect(page.getByLabel('Username')).toHaveValue(securityAdmin.username);
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
});

test('a setup link that was used is no longer valid', async ({ page, portal }) => {
  await completeSetup(page, portal);
  await logOut(page);
  await page.goto(portal.setupUrl);
  await expect(page.getByRole('heading', { name: 'This setup link is not valid' })).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveCount(0);
});
