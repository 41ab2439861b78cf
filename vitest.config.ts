import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'tests/**/*.test.{ts,tsx}'],
    // Each file opens one database (PGlite takes seconds to start); two cores, two files at a time.
    pool: 'forks',
    globalSetup: ['tests/pgliteTemplate.ts'],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
