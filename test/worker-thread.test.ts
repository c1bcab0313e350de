// Issue 2, test group 3: the kernel's "parent" for PR_SET_PDEATHSIG is the forking thread. A child
// spawned from a Worker must outlive that Worker (tethered forks every child from one spawner
// thread that never exits) and still die with the process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  killAll,
  reportedSignal,
  reporterChild,
  startParent,
  tempDir,
} from './fixtures/tether/harness.js';
import { isAlive, parentPid, processState, waitFor, waitForDeath } from './helpers/proc.js';

/** HyperQueue's children died when tokio reaped the forking pool thread, 10 s after its task. */
const OUTLIVE_MS = 12_000;
/** The bound: once the parent is dead, its tethered children are gone within 1 s. */
const DEATH_DEADLINE_MS = 1000;

describe.concurrent('a child spawned from a Worker', () => {
  it.for([
    ['worker.terminate()', 'terminate', 1],
    ['the Worker running out of work', 'natural', 0],
  ] as const)(
    'survives %s for 12 s, then dies by SIGTERM with its process',
    { timeout: 40_000 },
    async ([, end, workerExitCode], { onTestFinished }) => {
      // Per test: these tests run concurrently.
      const started: number[] = [];
      const temp = tempDir();
      onTestFinished(() => {
        killAll(started);
        temp.remove();
      });
      const marker = join(temp.dir, 'signal');
      const parent = await startParent(
        'worker-parent.mjs',
        {
          end,
          children: [reporterChild(marker), { command: 'sleep', args: ['1'] }],
        },
        started,
      );
      const [child, shortLived] = parent.report.pids as [number, number];
      expect(parent.report.workerExitCode).toBe(workerExitCode);

      // Parent and child alive, the child still the parent's (not reparented), for the whole span.
      const endedEarly = await waitFor(
        () => !isAlive(parent.pid) || !isAlive(child) || parentPid(child) !== parent.pid,
        OUTLIVE_MS,
        100,
      );
      const parentState = isAlive(parent.pid) ? 'alive' : await parent.ended;
      expect({ parentState, stderr: parent.stderr() }).toEqual({
        parentState: 'alive',
        stderr: '',
      });
      expect(endedEarly).toBe(false);
      expect(reportedSignal(marker)).toBeUndefined();
      // The Worker's environment is gone, yet its short-lived child was reaped: no zombie.
      expect(processState(shortLived)).toBeUndefined();

      process.kill(parent.pid, 'SIGKILL');
      await parent.ended;
      expect(await waitForDeath(child, DEATH_DEADLINE_MS)).toBe(true);
      expect(reportedSignal(marker)).toBe('SIGTERM');
    },
  );
});
