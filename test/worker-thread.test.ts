// The kernel's "parent" for PR_SET_PDEATHSIG is the forking thread: a child forked by a thread
// that then exits gets its death signal at that moment, though the process lives on (HyperQueue's
// children died when tokio retired the pool thread that forked them). A child spawned from a
// Worker must therefore be forked by tethered's spawner thread, outlive the Worker's thread, and
// still die with the process. The kernel lists each child under the thread that forked it
// (/proc/<pid>/task/<tid>/children): read once the Worker's thread is gone, that list shows at
// once what waiting out an idle period would show, and a node:child_process child spawned by the
// same Worker is the control (it is not the spawner thread's).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  killAll,
  reportedSignal,
  reporterChild,
  startParent,
  tempDir,
} from './fixtures/tether/harness.js';
import { childrenOfThread, spawnerThreadId } from './helpers/proc-counts.js';
import { isAlive, parentPid, processState, waitFor, waitForDeath } from './helpers/proc.js';

/** The bound: once the parent is dead, its tethered children are gone within 1 s. */
const DEATH_DEADLINE_MS = 1000;

describe.concurrent('a child spawned from a Worker', () => {
  it.for([
    ['worker.terminate()', 'terminate', 1],
    ['the Worker running out of work', 'natural', 0],
  ] as const)(
    "outlives %s (forked by the spawner thread, not the Worker's), then dies by SIGTERM with its process",
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
          children: [
            reporterChild(marker),
            { command: 'sleep', args: ['1'] },
            { command: 'sleep', args: ['60'], untethered: true },
          ],
        },
        started,
      );
      const [child, shortLived, control] = parent.report.pids as [number, number, number];
      expect(parent.report.workerExitCode).toBe(workerExitCode);

      // The Worker's thread has exited: had it forked the child, the death signal was sent then.
      const spawner = spawnerThreadId(parent.pid);
      expect(spawner).toBeDefined();
      const spawnerChildren = childrenOfThread(parent.pid, spawner ?? -1);
      expect(spawnerChildren).toContain(child);
      expect(spawnerChildren).not.toContain(control);
      // The Worker's environment is gone, yet its short-lived child is reaped: no zombie.
      expect(await waitFor(() => processState(shortLived) === undefined, 10_000)).toBe(true);
      // Still alive, still the parent's child, never signalled, the spawner thread unchanged.
      expect({
        child: isAlive(child),
        parent: parentPid(child) === parent.pid,
        signal: reportedSignal(marker),
        stderr: parent.stderr(),
        spawner: spawnerThreadId(parent.pid),
      }).toEqual({ child: true, parent: true, signal: undefined, stderr: '', spawner });

      process.kill(parent.pid, 'SIGKILL');
      await parent.ended;
      expect(await waitForDeath(child, DEATH_DEADLINE_MS)).toBe(true);
      expect(reportedSignal(marker)).toBe('SIGTERM');
      expect(isAlive(control)).toBe(true);
    },
  );
});
