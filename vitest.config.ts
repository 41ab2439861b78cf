import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.{ts,tsx}'],
    // Each file opens one database (PGlite takes seconds to start); two cores, two files at a time.
    pool: 'forks',
    // Files run one after another in each worker process and share its loaded modules: every file opens its
    // own database and app (tests/harness.ts) and src keeps no per-test state in a module, while loading
    // the portal afresh for each of 130 files cost a fifth of the embedded suite and 45 % of the PostgreSQL
    // one. So a test restores what it changes globally (a spy, an environment variable) before it ends.
    isolate: false,
    globalSetup: ['tests/pgliteTemplate.ts'],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
