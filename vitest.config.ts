import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Most tests wait on real processes rather than burn CPU.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    teardownTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
