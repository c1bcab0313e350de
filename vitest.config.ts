import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Most tests wait on real processes rather than burn CPU.
    maxWorkers: 3,
    testTimeout: 60_000,
    // CI retries a failed test once, so that one rare timing flake on a shared 2-core VM does not
    // hide the whole run; a test that fails twice fails CI. Local runs never retry.
    retry: process.env['CI'] === 'true' ? 1 : 0,
    hookTimeout: 30_000,
    teardownTimeout: 30_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
