// Turns a table of scenarios into vitest tests: each scenario runs through node:child_process,
// then through tethered, and the two records must be equal.
import * as nodeChildProcess from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tethered from '../../lib/index.js';
import {
  nodeHandleSpawns,
  Run,
  tetheredHandleSpawns,
  type Api,
  type Scenario,
  type Side,
  type SubprocessSpawns,
} from './harness.js';

const APIS: Record<Side, Api> = { node: nodeChildProcess, tethered };

/** Directory of the committed fixture scripts (IPC children and subprocess parents). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface SideResult {
  record: unknown;
  handleSpawns: number;
  nodeSpawns: number;
  subprocesses: SubprocessSpawns[];
}

async function runSide(side: Side, scenario: Scenario): Promise<SideResult> {
  const run = new Run(APIS[side], side, FIXTURES);
  const before = { handle: tetheredHandleSpawns(), node: nodeHandleSpawns() };
  try {
    const record = await scenario.run(run);
    return {
      record,
      handleSpawns: tetheredHandleSpawns() - before.handle,
      nodeSpawns: nodeHandleSpawns() - before.node,
      subprocesses: run.subprocesses,
    };
  } finally {
    run.cleanup();
  }
}

/** Defines one test per scenario; throws when there are none (a group renamed or emptied). */
export function defineParity(title: string, scenarios: readonly Scenario[] | undefined): void {
  if (scenarios === undefined || scenarios.length === 0) {
    throw new Error(`${title}: no scenarios (is the group's name in scenarios/index.ts right?)`);
  }
  describe(title, () => {
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        const node = await runSide('node', scenario);
        const ours = await runSide('tethered', scenario);
        expect(ours.record).toStrictEqual(node.record);
        expect(node.handleSpawns, 'node:child_process must not use the tethered handle').toBe(0);
        if (scenario.inSubprocess === true) {
          // The subprocess parents themselves are started with node:child_process.
          expect(ours.handleSpawns).toBe(0);
          expect(node.subprocesses.length).toBeGreaterThan(0);
          for (const spawns of node.subprocesses) {
            expect(spawns, 'the node-side parent spawns through Node').toMatchObject({
              tethered: 0,
            });
            expect(spawns.node).toBeGreaterThan(0);
          }
          expect(ours.subprocesses.length).toBe(node.subprocesses.length);
          for (const spawns of ours.subprocesses) {
            expect(spawns, 'every spawn of the tethered-side parent is tethered').toMatchObject({
              node: 0,
              deathSignal: true,
            });
            expect(spawns.tethered).toBeGreaterThan(0);
          }
        } else if (scenario.reachesHandle === false) {
          // Rejected by Node's validation before any handle is used.
          expect(ours.handleSpawns).toBe(0);
          expect(ours.nodeSpawns).toBe(0);
          expect(node.nodeSpawns).toBe(0);
        } else {
          expect(
            ours.handleSpawns,
            'the tethered run must spawn through TetheredHandle',
          ).toBeGreaterThan(0);
          expect(ours.nodeSpawns, "no tethered-side spawn may use Node's own handle").toBe(0);
        }
      });
    }
  });
}
