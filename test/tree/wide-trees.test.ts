// Tree mode on wide and fast-growing trees: every process is found however many children its
// parent has, each gets the death signal once and before the grace period ends, and one
// killTree() ends trees that grow while they are walked (a bounded fork bomb, forking chains).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killTree, spawn } from '../../lib/index.js';
import { killQuietly, parentPid, processState, waitFor } from '../helpers/proc.js';
import { buildSwarm, deliveries, endTree, startParent } from './swarm.js';
import { argvOf, liveTree, uniqueMarker } from './tree-procs.js';

const swarm = buildSwarm();

/** The children the kernel lists for single-threaded `pid`. */
function childrenOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8')
      .split(' ')
      .filter((s) => s !== '');
  } catch {
    return [];
  }
}
afterAll(() => {
  swarm.remove();
});

const WORKERS = 800;
const GRACE_MS = 1500;

// Deadlines bound waits for events; they are generous because this file's own trees load both
// cores, and a passing run never reaches them.
describe('parent SIGKILLed, a wide tree', { timeout: 180_000 }, () => {
  for (const shape of ['workers', 'orphans'] as const) {
    const who =
      shape === 'workers'
        ? `a supervisor's ${String(WORKERS)} workers`
        : `${String(WORKERS)} workers handed to the guardian (their parent exited)`;
    it(`${who}, all trapping SIGTERM: each gets it exactly once, before the grace period ends`, async ({
      onTestFinished,
    }) => {
      const marker = uniqueMarker();
      const log = join(swarm.dir, `${marker}.log`);
      const { parent, pid } = await startParent({
        file: swarm.bin,
        args: [shape, String(WORKERS), log, marker],
        options: { tree: true, treeGraceMs: GRACE_MS, stdio: 'ignore' },
      });
      onTestFinished(() => {
        killQuietly(parent);
        endTree(marker, pid);
      });
      // The supervisor and its workers (the middle process of 'orphans' has exited).
      expect(await waitFor(() => liveTree(marker).length === WORKERS + 1, 60_000, 50)).toBe(true);
      const tree = liveTree(marker);
      const killedAt = Date.now();
      parent.kill('SIGKILL');
      const gone = await waitFor(() => liveTree(marker).length === 0, GRACE_MS + 30_000, 50);
      const emptyAfterMs = Date.now() - killedAt;
      const counts = deliveries(log);
      const perProcess = tree.map((p) => counts.get(p) ?? 0);
      console.log(
        `${shape}: ${String(tree.length)} processes, empty ${String(emptyAfterMs)} ms after the parent's SIGKILL (grace ${String(GRACE_MS)} ms); SIGTERMs per process: min ${String(Math.min(...perProcess))}, max ${String(Math.max(...perProcess))}`,
      );
      expect(gone).toBe(true);
      // Handlers ran before the SIGKILL at the end of the grace period, once each.
      expect(perProcess.filter((n) => n !== 1)).toEqual([]);
      expect([...counts.keys()].sort()).toEqual([...tree].sort());
    });
  }
});

describe('killTree() on a wide or growing tree', { timeout: 180_000 }, () => {
  for (const tree of [true, false]) {
    it(`a process with 1,000 children${tree ? '' : ' (no tree mode: the pidfd walk)'}: one killTree() ends them all`, async ({
      onTestFinished,
    }) => {
      const marker = uniqueMarker();
      const child = spawn(swarm.bin, ['children', '1000', marker], { tree, stdio: 'ignore' });
      onTestFinished(() => {
        endTree(marker, child.pid);
      });
      expect(await waitFor(() => liveTree(marker).length === 1001, 60_000, 50)).toBe(true);
      const exited = once(child, 'exit');
      const before = Date.now();
      expect(killTree(child)).toBe(true);
      const gone = await waitFor(() => liveTree(marker).length === 0, 30_000, 20);
      console.log(
        `killTree on 1,000 children (tree: ${String(tree)}): ${String(liveTree(marker).length)} left, empty after ${String(Date.now() - before)} ms`,
      );
      expect(liveTree(marker)).toEqual([]);
      expect(gone).toBe(true);
      expect(await exited).toEqual([null, 'SIGTERM']);
    });
  }

  // Processes that come and go faster than /proc can be scanned: the tree is known to be empty
  // when its guardian exits (it stays while it has any descendant: they are all handed to it).
  // A chain member is handed to the guardian once its predecessor exits.
  const growing: [string, string[], (guardian: number, marker: string) => boolean][] = [
    [
      'a fork bomb of 5,000 forks, still growing',
      ['bomb', '5000'],
      (_, m) => liveTree(m).length >= 500,
    ],
    [
      '50 chains that fork a successor and exit every 100 ms',
      ['chains', '50', '100'],
      (g) => childrenOf(g).length > 50,
    ],
  ];
  for (const [name, args, grown] of growing) {
    it(`${name}: one killTree(child, 'SIGKILL') ends it`, async ({ onTestFinished }) => {
      const marker = uniqueMarker();
      const child = spawn(swarm.bin, [...args, marker], { tree: true, stdio: 'ignore' });
      onTestFinished(() => {
        endTree(marker, child.pid);
      });
      const guardian = parentPid(child.pid ?? 0) ?? 0;
      expect(argvOf(guardian)?.[0]).toBe('tethered-guardian');
      expect(await waitFor(() => grown(guardian, marker), 60_000, 20)).toBe(true);
      const before = Date.now();
      expect(killTree(child, 'SIGKILL')).toBe(true);
      const gone = await waitFor(() => processState(guardian) === undefined, 30_000, 20);
      console.log(
        `${name}: guardian ${gone ? 'exited' : 'still there'} ${String(Date.now() - before)} ms after killTree; ${String(liveTree(marker).length)} left`,
      );
      expect(gone).toBe(true);
      expect(liveTree(marker)).toEqual([]);
    });
  }
});
