import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (a CI run on a 2-core VM: 25 to 107 s each), in the order they
 * start: a long file that starts last sets the run's length. The rest follow in vitest's order.
 */
const SLOWEST_FIRST = [
  'test/lifecycle/prctl-window.test.ts',
  'test/readme.test.ts',
  'test/lifecycle/workers.test.ts',
  'test/lifecycle/resource-hygiene.test.ts',
  'test/libraries/libraries.test.ts',
  'test/lifecycle/terminate-mid-spawn.test.ts',
  'test/packaging/packaging.test.ts',
  'test/tree/trials.test.ts',
  'test/parity/sync.test.ts',
  'test/many-workers.test.ts',
  'test/parity/entry-points.test.ts',
  'test/tree/wide-trees.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = SLOWEST_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId));
      return index < 0 ? SLOWEST_FIRST.length : index;
    };
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

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
    sequence: { sequencer: SlowestFirst },
  },
});
