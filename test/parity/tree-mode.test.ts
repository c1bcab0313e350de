// The whole parity table again with tree mode as the process-wide default (setDefaults): a tree
// child must be observably the same as Node's child. Differences are listed (with the reason) in
// TREE_DIFFERENCES and in the README's parity table; each one is asserted in test/tree/.
import { afterAll, expect } from 'vitest';
import { TetheredHandle } from '../../lib/handle.js';
import { setDefaults } from '../../lib/index.js';
import { defineParity } from './define.js';
import { table } from './scenarios/index.js';

/** Scenarios whose tree-mode result differs from Node's on purpose (README, parity table). */
const TREE_DIFFERENCES: ReadonlyMap<string, string> = new Map([
  [
    'the child is a direct child of this process',
    "the command's parent is its guardian (test/tree/relay.test.ts: fork IPC)",
  ],
]);

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
for (const [group, scenarios] of Object.entries(table)) {
  defineParity(
    `parity in tree mode: ${group}`,
    scenarios.filter((scenario) => !TREE_DIFFERENCES.has(scenario.name)),
  );
}

afterAll(() => {
  // The scenarios really ran under guardians (all but detached/untethered ones).
  expect(treeSpawns).toBeGreaterThan(100);
});
