import { test as base, expect, type Page } from '@playwright/test';
import { appKey, hasApp, nextCode, setUpApp } from '../authenticatorApps.ts';
import { type RunningPortal, startPortal } from './portal.ts';

export { expect };

/**
 * `portal`: a portal of its own for every test (fresh embedded database, any free port), so no test
 * depends on what another one left behind. `baseURL` points at it, so `page.goto('/login')` works.
 */
export const test = base.extend<{ portal: RunningPortal }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
  portal: async ({}, use, testInfo) => {
    const portal = await startPortal();
    try {
      await use(portal);
    } finally {
      await portal.stop();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('gatehouse serve output', { body: portal.output(), contentType: 'text/plain' });
      }
    }
  },
  baseURL: async ({ portal }, use) => {
    await use(portal.baseUrl);
  },
});

export type Person = {
  firstName: string;
  lastName: string;
  email: string;
  username: string;
  password: string;
};

export const securityAdmin: Person = {
  firstName: 'Ada',
  lastName: 'Okafor',
  email: 'ada.okafor@example.org',
  username: 'ada.okafor',
  password: 'correct horse battery staple',
};

/** Opens the one-time setup link and creates the first Security Administrator, as a person would. */
export async function completeSetup(page: Page, portal: RunningPortal, person: Person = securityAdmin) {
  await page.goto(portal.setupUrl);
  await expect(page.getByRole('heading', { name: 'Set up the portal' })).toBeVisible();
  await page.getByLabel('First name').fill(person.firstName);
  await page.getByLabel('Last name').fill(person.lastName);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create Security Administrator' }).click();
  await setUpAuthenticator(page, person.username);
  await expect(page).toHaveURL(/\/admin(\?|$)/);
}

/**
 * The set-up a Security Administrator is taken to before anything else: scans the key (reads it as text),
 * types the app's code, and continues past the recovery codes to where she was heading.
 */
export async function setUpAuthenticator(page: Page, username: string) {
  await expect(page.getByRole('heading', { level: 1, name: 'Two-step verification' })).toBeVisible();
  const shown = (await page.locator('#secret-key').textContent()) ?? '';
  await page.getByLabel('Code', { exact: true }).fill(await setUpApp(appKey(page.url(), username), shown));
  await page.getByRole('button', { name: 'Turn on authenticator app' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
  await page.getByRole('link', { name: 'Continue' }).click();
}

export async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

export async function logIn(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // A login whose authenticator app these tests set up is asked for its code (/login/verify).
  if (!hasApp(appKey(page.url(), username))) return;
  await page.waitForLoadState();
  if (!new URL(page.url()).pathname.startsWith('/login/verify')) return;
  await page.getByLabel('Code', { exact: true }).fill(await nextCode(appKey(page.url(), username)));
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** Imports roster lines (the header line first) through Import members, as a person would, and applies them. */
export async function importRoster(page: Page, lines: string[]) {
  await page.goto('/admin/member-management/import');
  await page.getByLabel('Roster file (CSV)').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`${lines.join('\n')}\n`, 'utf8'),
  });
  await page.getByRole('button', { name: 'Preview import' }).click();
  await page.getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByText(/Imported: /)).toBeVisible();
}

/**
 * No SMTP server in the browser tests: the Email Log is the mailbox. Opens the newest message to `to` (of
 * a kind, when given) once the worker has kept it — the log shows the state as of the page load, so it
 * looks again — and reveals its link and code when asked (a Security Administrator's action). Returns the
 * message's plain text as shown.
 */
export async function openKeptEmail(
  page: Page,
  to: string,
  { kind, reveal = false }: { kind?: string; reveal?: boolean } = {},
): Promise<string> {
  const messages = page.getByRole('row').filter({ hasText: to });
  const row = (kind ? messages.filter({ hasText: kind }) : messages).first();
  await expect(async () => {
    await page.goto('/admin/email-log');
    await expect(row).toContainText('Kept in Email Log', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await row.getByRole('link').click();
  if (reveal) await page.getByRole('button', { name: 'Reveal link and code' }).click();
  return (await page.locator('pre.email-text').textContent()) ?? '';
}

/** The personal invitation link in an email's text. */
export function inviteLinkIn(text: string): string {
  const link = /(http:\/\/\S+\/invite\/[\w-]+)/.exec(text)?.[1];
  expect(link, text).toBeTruthy();
  return link!;
}
