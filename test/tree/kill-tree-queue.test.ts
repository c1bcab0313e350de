// killTree() on a guardian too busy to read its requests at once: every request is accepted
// (queued while the control socket is full, never reported as done when it was not sent), and the
// last one still reaches the guardian.
import { afterAll, expect, it } from 'vitest';
import { capabilities, killTree, spawn } from '../../lib/index.js';
import { parentPid, processState, waitFor } from '../helpers/proc.js';
import { buildSwarm, endTree } from './swarm.js';
import { argvOf, liveTree, uniqueMarker } from './tree-procs.js';

const swarm = buildSwarm();
afterAll(() => {
  swarm.remove();
});

it('3,000 killTree() calls in a row to a guardian walking 300 processes: all true, the last one (SIGKILL) ends the tree', async ({
  onTestFinished,
}) => {
  const marker = uniqueMarker();
  const child = spawn(swarm.bin, ['children', '300', marker], { tree: true, stdio: 'ignore' });
  onTestFinished(() => {
    endTree(marker, child.pid);
  });
  const guardian = parentPid(child.pid ?? 0) ?? 0;
  expect(argvOf(guardian)?.[0]).toBe('tethered-guardian');
  expect(await waitFor(() => liveTree(marker).length === 301, 20_000, 20)).toBe(true);
  const results: boolean[] = [];
  for (let i = 0; i < 3000; i++) results.push(killTree(child, 'SIGCONT'));
  const refused = results.flatMap((ok, i) => (ok ? [] : [i + 1]));
  console.log(`killTree() calls answered false while the tree lived: ${String(refused.length)}`);
  expect(refused).toEqual([]);
  expect(liveTree(marker).length).toBe(301);
  // Without pidfds a kill reaches only the guardian's own children (README, "Tree mode"): the
  // workers it adopts when their parent dies are ended by the grace period's SIGKILL (0 ms here).
  const options = capabilities().pidfd ? {} : { graceMs: 0 };
  expect(killTree(child, 'SIGKILL', options)).toBe(true);
  expect(await waitFor(() => processState(guardian) === undefined, 10_000, 20)).toBe(true);
  expect(liveTree(marker)).toEqual([]);
});
