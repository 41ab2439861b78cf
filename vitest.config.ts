import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.{ts,tsx}'],
    // Each file opens one database of its own. On the embedded one (PGlite runs in the test process) two
    // files at a time keep both cores busy. On PostgreSQL the files mostly wait on the server, on mail and
    // on the processes they start: four at a time took the suite from 217 s to 155–164 s on 2 cores.
    pool: 'forks',
    maxWorkers: process.env.TEST_DATABASE_URL ? 4 : 2,
    // Files run one after another in each worker process and share its loaded modules: every file opens its
    // own database and app (tests/harness.ts) and src keeps no per-test state in a module, while loading
    // the portal afresh for each of 130 files cost a fifth of the embedded suite and 45 % of the PostgreSQL
    // one. So a test restores what it changes globally (a spy, an environment variable) before it ends.
    isolate: false,
    globalSetup: ['tests/pgliteTemplate.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
