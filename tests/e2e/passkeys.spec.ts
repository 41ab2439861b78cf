import { createServer } from 'node:net';
import { test as base, expect, type Page } from '@playwright/test';
import { completeSetup, logOut, securityAdmin } from './fixtures.ts';
import { type RunningPortal, startPortal } from './portal.ts';

/** A free TCP port, for a PUBLIC_URL known before the portal starts. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

/**
 * Passkeys are bound to a host name (an IP address cannot be a WebAuthn RP ID), so this spec's portal
 * has PUBLIC_URL http://localhost:<port> and the browser opens it by that name.
 */
const test = base.extend<{ portal: RunningPortal }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
  portal: async ({}, use, testInfo) => {
    const port = await freePort();
    const publicUrl = `http://localhost:${port}`;
    const portal = await startPortal({ PORT: String(port), PUBLIC_URL: publicUrl });
    try {
      await use({ ...portal, baseUrl: publicUrl });
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

/** Chromium's virtual authenticator (Chrome DevTools Protocol): a platform passkey that always verifies. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}

test('a passkey is added on /home/security, signs in as the second step, and is removed', async ({
  page,
  portal,
}) => {
  await completeSetup(page, portal); // the Security Administrator, with her authenticator app
  await addVirtualAuthenticator(page);

  await page.goto('/home/security');
  await expect(page.getByRole('heading', { level: 2, name: 'Passkeys' })).toBeVisible();
  await expect(page.getByText('You have no passkeys yet.')).toBeVisible();
  await page.getByLabel('Passkey name').fill('This laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByText('The passkey is added.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Your passkeys' })).toContainText('This laptop');

  await logOut(page);
  await page.getByLabel('Username').fill(securityAdmin.username);
  await page.getByLabel('Password').fill(securityAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByLabel('Code')).toBeVisible();
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await page.goto('/home/security');
  await page.getByLabel('Yes, remove This laptop').check();
  await page.getByRole('button', { name: 'Remove passkey This laptop' }).click();
  await expect(page.getByText('The passkey is removed.')).toBeVisible();
  await expect(page.getByText('You have no passkeys yet.')).toBeVisible();
});
