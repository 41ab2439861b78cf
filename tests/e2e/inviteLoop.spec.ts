import type { Page } from '@playwright/test';
import { completeSetup, expect, importRoster, openKeptEmail, test } from './fixtures.ts';
import type { RunningPortal } from './portal.ts';

const CODES = '/admin/member-management/invitation-codes';
const SHOTS = 'test-results/invite-loop';

// Five Smiths (one lapsed) among others: the seed's workflow is "search, then Send each one".
const ROSTER = [
  'member_number,first_name,last_name,email,status',
  'M-3001,Ann,Smith,ann.smith@example.org,current',
  'M-3002,Ben,Smith,ben.smith@example.org,current',
  'M-3003,Cat,Smith,cat.smith@example.org,current',
  'M-3004,Dan,Smith,dan.smith@example.org,lapsed',
  'M-3005,Eve,Smith,eve.smith@example.org,current',
  'M-3006,Fay,Jones,fay.jones@example.org,current',
  'M-3007,Gus,Brown,gus.brown@example.org,lapsed',
];

/** The Smiths, newest email last, as the admin asks for them: search, then sort by email descending. */
async function searchSmiths(page: Page) {
  await page.goto(CODES);
  await page.getByLabel('Search').fill('smith');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('link', { name: /^Email/ }).click();
  await page.getByRole('link', { name: /^Email/ }).click();
  await expect(page).toHaveURL(/search=smith.*sort=email&dir=desc|sort=email.*search=smith/);
}

const row = (page: Page, email: string) => page.getByRole('row').filter({ hasText: email });

/** Set up, import the roster, and Send to one member from Invitation Codes; the row confirms it. */
async function sendOnFreshPortal(page: Page, portal: RunningPortal, email: string) {
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);
  await page.goto(CODES);
  await row(page, email).getByRole('button', { name: 'Send' }).click();
  await expect(row(page, email).getByRole('status')).toBeVisible();
}

async function shoot(page: Page, name: string) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
}

test('Send keeps my place: same list, confirmation beside the row, focus on the next Send, no reload', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);
  await searchSmiths(page);
  const listUrl = page.url();
  const emails = await page.getByRole('row').locator('td:nth-child(3)').allTextContents();
  expect(emails).toEqual([
    'eve.smith@example.org',
    'dan.smith@example.org',
    'cat.smith@example.org',
    'ben.smith@example.org',
    'ann.smith@example.org',
  ]);

  await test.step('Send on Eve’s row: no reload, the same list, the next row’s Send focused', async () => {
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await row(page, 'eve.smith@example.org').getByRole('button', { name: 'Send' }).click();
    await expect(row(page, 'eve.smith@example.org').getByRole('status')).toHaveText(
      'Invitation to Eve Smith kept in the Email Log (no mail server is set up).',
    );
    await expect(row(page, 'dan.smith@example.org').getByRole('button', { name: 'Send' })).toBeFocused();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect(page.url()).toBe(listUrl);
    await expect(page.getByLabel('Search')).toHaveValue('smith');
  });

  await test.step('Enter sends the focused row, and focus moves on down the list', async () => {
    await page.keyboard.press('Enter');
    await expect(row(page, 'dan.smith@example.org').getByRole('status')).toHaveText(
      'Invitation to Dan Smith kept in the Email Log (no mail server is set up).',
    );
    await expect(row(page, 'cat.smith@example.org').getByRole('button', { name: 'Send' })).toBeFocused();
    await expect(page.locator('[data-send-announcer]')).toHaveText(
      'Invitation to Dan Smith kept in the Email Log (no mail server is set up).',
    );
    await shoot(page, 'sent-with-script');
  });
});

test('without JavaScript, Send comes back to the same list with the confirmation and focus', async ({
  browser,
  portal,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: portal.baseUrl });
  const page = await context.newPage();
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);
  await searchSmiths(page);
  const listUrl = new URL(page.url());
  await row(page, 'cat.smith@example.org').getByRole('button', { name: 'Send' }).click();
  await expect(row(page, 'cat.smith@example.org').getByRole('status')).toHaveText(
    'Invitation to Cat Smith kept in the Email Log (no mail server is set up).',
  );
  const back = new URL(page.url());
  expect(back.pathname).toBe(CODES);
  for (const [name, value] of listUrl.searchParams) expect(back.searchParams.get(name)).toBe(value);
  expect(back.searchParams.get('sent')).toMatch(/^\d+$/);
  await expect(row(page, 'ben.smith@example.org').getByRole('button', { name: 'Send' })).toBeFocused();
  await shoot(page, 'sent-without-script');
  await context.close();
});

test('Send All targets current members, skips the recently invited, and sends to what the filters show', async ({
  page,
  portal,
}) => {
  await sendOnFreshPortal(page, portal, 'ann.smith@example.org');

  await test.step('the filters’ members: the Smiths, without the lapsed one and Ann, invited minutes ago', async () => {
    await page.getByLabel('Search').fill('smith');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('link', { name: 'Send to the members matching these filters' }).click();
    await expect(
      page.getByText('Members without a login matching these filters: search “smith”.'),
    ).toBeVisible();
    const leftOut = page.getByRole('list', { name: 'Who is left out' });
    await expect(leftOut).toContainText('1 member invited in the last 24 hours will be skipped.');
    await expect(leftOut).toContainText('1 lapsed member left out.');
    await expect(page.getByLabel('Skip members invited in the last (hours)')).toHaveValue('24');
    await shoot(page, 'send-all-filtered');
    await page.getByRole('button', { name: 'Send to the 3 members matching these filters' }).click();
  });

  await test.step('progress updates in place, with a polite summary and a percentage, and finishes', async () => {
    await expect(page.getByRole('heading', { name: /Send All #/ })).toBeVisible();
    await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await expect(page.getByRole('status')).toHaveText('Finished: 3 of 3 sent.', { timeout: 20_000 });
    await expect(page.getByRole('progressbar', { name: 'Share of messages handled' })).toHaveAttribute(
      'value',
      '100',
    );
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await shoot(page, 'round-finished');
  });

  await test.step('Send All: current members only unless lapsed ones are asked for', async () => {
    await page.goto(`${CODES}/send-all`);
    await expect(
      page.getByText('Send All emails the current members who have not created a login yet.'),
    ).toBeVisible();
    // Ann and the three Smiths were invited minutes ago; Fay is the one current member left.
    await expect(page.getByRole('list', { name: 'Who is left out' })).toContainText(
      '4 members invited in the last 24 hours will be skipped.',
    );
    await expect(page.getByRole('button', { name: 'Send 1 invitation' })).toBeVisible();
    await page.getByLabel('Include lapsed members').check();
    await page.getByRole('button', { name: 'Update the count' }).click();
    await expect(page.getByLabel('Include lapsed members')).toBeChecked();
    await shoot(page, 'send-all-with-lapsed');
    await page.getByRole('button', { name: 'Send 3 invitations' }).click();
    await expect(page.getByRole('status')).toHaveText('Finished: 3 of 3 sent.', { timeout: 20_000 });
  });
});

test('the Email Log as the local mailbox: the revealed invitation’s button opens the member’s page in a new tab', async ({
  page,
  portal,
}) => {
  await sendOnFreshPortal(page, portal, 'fay.jones@example.org');
  await openKeptEmail(page, 'fay.jones@example.org', { reveal: true });

  const preview = page.frameLocator('iframe[title="HTML version of the message"]');
  const opened = page.waitForEvent('popup');
  await preview.getByRole('link', { name: 'Create your login' }).click();
  const tab = await opened;
  await expect(tab.getByRole('heading', { name: 'Welcome, Fay' })).toBeVisible();
  // The Email Log stays as it was, its frame not turned into a refused portal page.
  await expect(page.getByRole('heading', { name: /invitation/i, level: 1 })).toBeVisible();
  await tab.close();

  const textLink = page
    .getByRole('region', { name: 'Plain-text version' })
    .getByRole('link', { name: /\/invite\// });
  const second = page.waitForEvent('popup');
  await textLink.click();
  await expect((await second).getByRole('heading', { name: 'Welcome, Fay' })).toBeVisible();
});
