import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Most tests wait on real processes rather than burn CPU.
    maxWorkers: 3,
    testTimeout: 60_000,
    // No retries: a test that fails once is a bug in the test or in the library.
    retry: 0,
    hookTimeout: 30_000,
    teardownTimeout: 30_000,
    // Builds a stale lib/ or addon first (scripts/build-stale.mjs).
    globalSetup: ['test/global-setup.ts'],
  },
});
