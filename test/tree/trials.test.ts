// 200 parents SIGKILLed at random points right after a tree spawn (a third inside the guardian's
// clone->prctl window, a third inside the command's): no process of any tree survives.
// scripts/tree-trials.mjs runs 1,000.
import { expect, it } from 'vitest';
import { runTrials } from '../fixtures/tree/trials.mjs';
import { killQuietly } from '../helpers/proc.js';
import { uniqueMarker } from './tree-procs.js';

it('200 parents SIGKILLed right after spawn(): 0 survivors', async () => {
  const marker = uniqueMarker();
  const survivors = await runTrials({ trials: 200, parallel: 16, marker });
  for (const pid of survivors) killQuietly(pid);
  expect(survivors).toEqual([]);
}, 120_000);

it('control: the same trials without tree mode leave grandchildren running', async () => {
  const marker = uniqueMarker();
  const survivors = await runTrials({ trials: 12, parallel: 6, marker, tree: false });
  for (const pid of survivors) killQuietly(pid);
  expect(survivors.length).toBeGreaterThan(0);
}, 60_000);
