import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import {
  completeSetup,
  expect,
  importRoster,
  inviteLinkIn,
  logIn,
  logOut,
  openKeptEmail,
  securityAdmin,
  test,
} from './fixtures.ts';

// Ada's row links the record setup made for her (a made-up number, not a roster member) to her real one.
const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-3000,Ada,Okafor,ada.okafor@example.org,current',
  'M-3001,Grace,Hopper,grace.hopper@example.org,current',
  'M-3002,Alan,Turing,alan.turing@example.org,current',
];

/** The names down the report's rows, as shown. */
const names = (page: Page) => page.locator('table tbody th[scope="row"]').allTextContents();

test('Query Tool: Member Roster - Current sorts by Last Login both ways and exports the same rows as CSV', async ({
  page,
  portal,
  browser,
}) => {
  await completeSetup(page, portal);

  await test.step('Ada logs in again, so she has a Last Login', async () => {
    await logOut(page);
    await logIn(page, securityAdmin.username, securityAdmin.password);
    await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  });

  await test.step('the roster is imported and Grace creates her login from an invitation, after Ada', async () => {
    await importRoster(page, ROSTER);
    await page.goto('/admin/member-management/invitation-codes');
    await page
      .getByRole('row')
      .filter({ hasText: 'grace.hopper@example.org' })
      .getByRole('button', { name: 'Send' })
      .click();
    await expect(page.getByRole('status')).toContainText('Invitation to Grace Hopper kept in the Email Log');
    const link = inviteLinkIn(await openKeptEmail(page, 'grace.hopper@example.org', { reveal: true }));
    const own = await browser.newContext();
    const grace = await own.newPage();
    await grace.goto(link);
    await grace.getByLabel('Username').fill('grace');
    await grace.getByLabel('Password').fill('compiler moth nanosecond 1952');
    await grace.getByRole('button', { name: 'Create login' }).click();
    await expect(grace).toHaveURL(/\/home/);
    await own.close();
  });

  await test.step('the admin opens Query Tool › Member Roster - Current', async () => {
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Query Tool' }).click();
    await page.getByRole('link', { name: 'Member Roster - Current' }).click();
    await expect(page.getByRole('heading', { name: 'Member Roster - Current' })).toBeVisible();
    expect(await names(page)).toEqual(['Hopper, Grace', 'Okafor, Ada', 'Turing, Alan']);
  });

  await test.step('Last Login sorts oldest first, then reversed; Alan, who has no login, stays last', async () => {
    await page.getByRole('link', { name: 'Last Login' }).click();
    await expect(page).toHaveURL(/sort=lastLogin/);
    await expect(page.getByRole('columnheader', { name: /Last Login/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    expect(await names(page)).toEqual(['Okafor, Ada', 'Hopper, Grace', 'Turing, Alan']);
    await page.getByRole('link', { name: 'Last Login' }).click();
    await expect(page).toHaveURL(/dir=desc/);
    await expect(page.getByRole('columnheader', { name: /Last Login/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    expect(await names(page)).toEqual(['Hopper, Grace', 'Okafor, Ada', 'Turing, Alan']);
  });

  await test.step('Export CSV downloads the report in the order on screen', async () => {
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^member-roster-current-\d{4}-\d{2}-\d{2}\.csv$/);
    // The file starts with a BOM, for Excel (tests/integration/csvExportsExcel.test.ts).
    const rows = parse(await readFile((await download.path())!, 'utf8'), { bom: true }) as string[][];
    expect(rows[0]).toEqual(
      expect.arrayContaining(['member_number', 'first_name', 'last_name', 'last_login']),
    );
    const at = (name: string) => rows[0]!.indexOf(name);
    expect(rows.slice(1).map((r) => `${r[at('last_name')]}, ${r[at('first_name')]}`)).toEqual([
      'Hopper, Grace',
      'Okafor, Ada',
      'Turing, Alan',
    ]);
    expect(rows.slice(1).map((r) => r[at('username')])).toEqual(['grace', securityAdmin.username, '']);
    expect(rows[3]![at('last_login')]).toBe('');
  });
});
