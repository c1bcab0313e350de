// The parity table again with tree mode as the process-wide default (setDefaults): a tree child
// must be observably the same as Node's child. Differences are listed (with the reason) in
// TREE_DIFFERENCES and in the README's parity table; each one is asserted in test/tree/. The
// table is split over three files (tree-mode-*.test.ts) so that vitest runs them side by side.
import { afterAll, expect } from 'vitest';
import { TetheredHandle } from '../../lib/handle.js';
import { setDefaults } from '../../lib/index.js';
import { defineParity } from './define.js';
import { table, type ScenarioGroup } from './scenarios/index.js';

/** Scenarios whose tree-mode result differs from Node's on purpose (README, parity table). */
const TREE_DIFFERENCES: ReadonlyMap<string, string> = new Map([
  [
    'the child is a direct child of this process',
    "the command's parent is its guardian (test/tree/relay.test.ts: fork IPC)",
  ],
]);

/** Defines the tree-mode parity tests of `groups`; together the files must cover every group. */
export function defineTreeParity(groups: readonly ScenarioGroup[]): void {
  let treeSpawns = 0;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its own `this` below
  const spawnMethod = TetheredHandle.prototype.spawn;
  TetheredHandle.prototype.spawn = function countTreeSpawns(
    this: TetheredHandle,
    ...args: unknown[]
  ) {
    if (this.tree) treeSpawns++;
    return spawnMethod.apply(this, args);
  };

  setDefaults({ tree: true });
  let scenarioCount = 0;
  for (const group of groups) {
    const scenarios = table[group].filter((scenario) => !TREE_DIFFERENCES.has(scenario.name));
    scenarioCount += scenarios.length;
    defineParity(`parity in tree mode: ${group}`, scenarios);
  }

  afterAll(() => {
    // The scenarios really ran under guardians (all but detached, untethered and no-spawn ones).
    expect(treeSpawns).toBeGreaterThan(scenarioCount / 2);
  });
}

/** The groups with files of their own (the longest); tree-mode-rest.test.ts runs all others. */
export const OWN_FILE: readonly ScenarioGroup[] = ['fork', 'process'];
