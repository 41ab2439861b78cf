import { defineConfig } from '@playwright/test';

/**
 * Browser tests drive Debian's chromium (`apt-get install chromium`); Playwright never downloads a
 * browser of its own (`PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1`). Each test starts its own portal on a fresh
 * embedded database (see tests/e2e/fixtures.ts), so the app is not started through `webServer`.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // One migrated embedded database that every test's portal starts from a copy of (see portal.ts).
  globalSetup: './tests/e2e/globalSetup.ts',
  fullyParallel: false,
  // Test files two at a time: a test mostly waits on its portal and on chromium, so on two cores the suite
  // took 217–229 s against 277 s one at a time (3 runs each, 2026-12-06).
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Starting a portal takes seconds on two cores, even on a copy of an already migrated database.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    // A missing button should fail in seconds, not after the whole test timeout.
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
