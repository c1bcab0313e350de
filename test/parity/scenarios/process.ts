// Process-level behaviour: what unref() lets a parent do (observed in a disposable parent
// process), and 200 children at once.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Run, Scenario } from '../harness.js';

/** Runs fixtures/unref-parent.mjs for this side and reports its exit and its child's state. */
function unrefParent(mode: 'ignore' | 'pipe' | 'fork'): Scenario {
  return {
    name: {
      ignore: "unref() with stdio 'ignore' lets the parent exit while the child runs",
      pipe: "unref() with stdio 'pipe': the open pipes keep the parent until the child exits",
      fork: 'fork: unref() plus channel.unref() lets the parent exit while the child runs',
    }[mode],
    reachesHandle: false,
    run: (run: Run) =>
      new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          [join(run.fixtures, 'unref-parent.mjs'), run.side, mode],
          (error, stdout, stderr) => {
            if (error !== null) {
              reject(new Error(`${error.message}\n${stderr}`));
              return;
            }
            const report = JSON.parse(stdout) as {
              pid: number;
              aliveAtExit: boolean;
              code: number;
            };
            run.trackPid(report.pid);
            resolve({ aliveAtExit: report.aliveAtExit, code: report.code, stderr });
          },
        );
      }),
  };
}

export const processLevel: readonly Scenario[] = [
  unrefParent('ignore'),
  unrefParent('pipe'),
  unrefParent('fork'),
  {
    name: '200 concurrent children',
    run: async (run) => {
      const children = Array.from({ length: 200 }, (_, i) =>
        run.api.spawn('sh', ['-c', 'echo "$0"; exit $(($0 % 7))', String(i)]),
      );
      return Promise.all(children.map((child) => run.observe(child)));
    },
  },
];
