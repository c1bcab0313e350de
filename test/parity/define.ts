// Turns a table of scenarios into vitest tests: each scenario runs through node:child_process,
// then through tethered, and the two records must be equal.
import * as nodeChildProcess from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tethered from '../../lib/index.js';
import { Run, tetheredHandleSpawns, type Api, type Scenario, type Side } from './harness.js';

const APIS: Record<Side, Api> = { node: nodeChildProcess, tethered };

/** Directory of the committed fixture scripts (IPC children and subprocess parents). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

async function runSide(
  side: Side,
  scenario: Scenario,
): Promise<{ record: unknown; handleSpawns: number }> {
  const run = new Run(APIS[side], side, FIXTURES);
  const before = tetheredHandleSpawns();
  try {
    const record = await scenario.run(run);
    return { record, handleSpawns: tetheredHandleSpawns() - before };
  } finally {
    run.cleanup();
  }
}

/** Defines one test per scenario. */
export function defineParity(title: string, scenarios: readonly Scenario[]): void {
  describe(title, () => {
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        const node = await runSide('node', scenario);
        const ours = await runSide('tethered', scenario);
        expect(ours.record).toEqual(node.record);
        expect(node.handleSpawns, 'node:child_process must not use the tethered handle').toBe(0);
        if (scenario.reachesHandle === false) {
          expect(ours.handleSpawns).toBe(0);
        } else {
          expect(
            ours.handleSpawns,
            'the tethered run must spawn through TetheredHandle',
          ).toBeGreaterThan(0);
        }
      });
    }
  });
}
