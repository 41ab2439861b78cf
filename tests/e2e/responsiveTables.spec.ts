import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { completeSetup, expect, importRoster, test } from './fixtures.ts';

// Long, unbroken emails and names: the values that used to push tables (and the Send button) off-screen.
const ROSTER = [
  'member_number,first_name,last_name,email,status',
  ...Array.from(
    { length: 6 },
    (_, i) =>
      `M-90${i},Maximiliane${i},Vandenberghe-Oosterhuis${i},maximiliane.vandenberghe-oosterhuis.${i}@a-rather-long-domain.example.org,current`,
  ),
];

const CODES = '/admin/member-management/invitation-codes';
const ROSTER_REPORT = '/admin/query-tool/member-roster-current';

// Every page with a data table, besides the two above.
const TABLE_PAGES = [
  '/admin/members?search=Maximiliane',
  '/admin/email-log',
  '/admin/audit-log',
  '/admin/query-tool/pending-invitations',
  '/admin/query-tool/failed-deliveries',
  '/admin/query-tool/login-activity',
  '/admin/query-tool/invitation-rounds',
];

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

/** The document is no wider than the window: nothing needs the page itself scrolled sideways. */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${what}: document width at a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** No WCAG 2.1 AA violation at this size either (a scroll box must be reachable by keyboard, etc.). */
async function expectNoAxeViolations(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ iframes: false })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect
    .soft(
      violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      what,
    )
    .toEqual([]);
}

/** Whether a box lies inside the window's width as the page first shows it (no sideways scrolling). */
async function insideWindowWidth(page: Page, locator: ReturnType<Page['locator']>) {
  const box = await locator.boundingBox();
  const width = page.viewportSize()!.width;
  return !!box && box.x >= 0 && box.x + box.width <= width;
}

test('tables fit at 390 px and 1,280 px: no page wider than the window, every Send in view', async ({
  page,
  portal,
}) => {
  test.setTimeout(180_000);
  await completeSetup(page, portal);
  await importRoster(page, ROSTER);
  // One invitation, so that the Email Log and the reports have rows as well.
  await page.goto(CODES);
  await page
    .getByRole('row')
    .filter({ hasText: 'oosterhuis.0@' })
    .getByRole('button', { name: 'Send' })
    .click();
  await expect(page.getByRole('status').first()).toContainText('kept in the Email Log');

  for (const size of SIZES) {
    await test.step(`Invitation Codes at ${size.width}×${size.height}`, async () => {
      await page.setViewportSize(size);
      await page.goto(CODES);
      const rows = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'Send' }) });
      await expect(rows).toHaveCount(6);
      await expect(page.getByRole('table')).toBeVisible();
      await expectNoSidewaysScroll(page, 'Invitation Codes');
      for (const row of await rows.all()) {
        await row.scrollIntoViewIfNeeded();
        const send = row.getByRole('button', { name: 'Send' });
        await expect(send).toBeVisible();
        expect(await insideWindowWidth(page, send), 'Send inside the window').toBe(true);
        // The row still says whose it is, next to the button.
        expect(await insideWindowWidth(page, row.getByRole('rowheader'))).toBe(true);
      }
      // Each value keeps its column's meaning: on a phone the label is shown before it.
      const email = page.getByRole('cell', { name: /maximiliane\.vandenberghe-oosterhuis\.0@/ });
      await expect(email).toHaveAttribute('data-label', 'Email');
      await expectNoAxeViolations(page, `Invitation Codes at ${size.width} px`);
      await page.screenshot({ path: `/tmp/t5-codes-${size.width}.png`, fullPage: true });
    });

    await test.step(`Member Roster - Current at ${size.width}×${size.height}`, async () => {
      await page.setViewportSize(size);
      await page.goto(ROSTER_REPORT);
      await expect(page.getByRole('rowheader').filter({ hasText: 'Vandenberghe' })).toHaveCount(6);
      await expectNoSidewaysScroll(page, 'Member Roster - Current');
      for (const name of await page.getByRole('rowheader').all()) {
        await name.scrollIntoViewIfNeeded();
        expect(await insideWindowWidth(page, name), 'the member’s name inside the window').toBe(true);
      }
      await expectNoAxeViolations(page, `Member Roster - Current at ${size.width} px`);
      await page.screenshot({ path: `/tmp/t5-roster-${size.width}.png`, fullPage: true });
    });

    for (const path of TABLE_PAGES) {
      await test.step(`${path} at ${size.width}×${size.height}`, async () => {
        await page.setViewportSize(size);
        const res = await page.goto(path);
        expect(res?.status()).toBe(200);
        await expectNoSidewaysScroll(page, path);
        await expectNoAxeViolations(page, `${path} at ${size.width} px`);
        const name = path.split('/').pop()!.replace(/\W+/g, '-');
        await page.screenshot({ path: `/tmp/t5-${name}-${size.width}.png`, fullPage: true });
      });
    }
  }
});
