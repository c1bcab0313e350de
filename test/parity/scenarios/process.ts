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
    inSubprocess: true,
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
            const report = run.noteSubprocess(
              JSON.parse(stdout) as { pid: number; aliveAtExit: boolean; code: number },
            );
            run.trackPid(report.pid);
            resolve({ aliveAtExit: report.aliveAtExit, code: report.code, stderr });
          },
        );
      }),
  };
}

/**
 * Runs fixtures/limited-parent.mjs for this side: under a low fd limit ('emfile'), or as an
 * unprivileged user (uid/gid 65534 when the tests run as root; as is, otherwise).
 */
function limitedParent(which: 'emfile' | 'eperm-uid' | 'eperm-gid', name: string): Scenario {
  return {
    name,
    inSubprocess: true,
    run: (run: Run) =>
      new Promise((resolve, reject) => {
        const script = join(run.fixtures, 'limited-parent.mjs');
        const [file, args] =
          which === 'emfile'
            ? [
                'sh',
                ['-c', 'ulimit -n 60; exec "$0" "$@"', process.execPath, script, run.side, which],
              ]
            : [process.execPath, [script, run.side, which]];
        const unprivileged = which !== 'emfile' && process.getuid?.() === 0;
        execFile(
          file,
          args,
          unprivileged ? { uid: 65534, gid: 65534 } : {},
          (error, stdout, stderr) => {
            if (error === null) {
              resolve({ report: run.noteSubprocess(JSON.parse(stdout) as object), stderr });
            } else reject(new Error(`${error.message}\n${stderr}`));
          },
        );
      }),
  };
}

export const processLevel: readonly Scenario[] = [
  limitedParent(
    'emfile',
    "EMFILE (64 pipes under a 60-fd limit): 'error', 'close'(-24), stdio unset",
  ),
  limitedParent('eperm-uid', 'uid as an unprivileged user: synchronous spawn EPERM'),
  limitedParent('eperm-gid', 'gid as an unprivileged user: synchronous spawn EPERM'),
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
