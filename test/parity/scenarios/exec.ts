// exec and execFile: callback results, error fields, timeout/maxBuffer/encoding, AbortSignal, and
// util.promisify's {stdout, stderr} with .child.
import type { ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { errorFields, type Run, type Scenario } from '../harness.js';

type Output = string | Buffer;

function show(value: Output): string {
  return Buffer.isBuffer(value) ? `<Buffer ${value.toString('hex')}>` : value;
}

/** Runs a callback-form call; resolves with what the callback got and the child's record. */
async function callback(
  run: Run,
  start: (cb: (error: Error | null, stdout: Output, stderr: Output) => void) => ChildProcess,
): Promise<unknown> {
  let resolveResult!: (value: unknown) => void;
  const result = new Promise((resolve) => (resolveResult = resolve));
  const child = start((error, stdout, stderr) => {
    resolveResult({
      error: error === null ? null : errorFields(error),
      stdout: show(stdout),
      stderr: show(stderr),
    });
  });
  const record = await run.observe(child, { readStreams: false });
  return { result: await result, record };
}

/** Runs a promisified call; resolves with the outcome and whether the promise had `.child`. */
async function promised(
  run: Run,
  promise: Promise<{ stdout: Output; stderr: Output }> & { child?: ChildProcess },
): Promise<unknown> {
  const hasChild = promise.child !== undefined;
  if (promise.child !== undefined) run.track(promise.child);
  try {
    const { stdout, stderr } = await promise;
    return { hasChild, resolved: { stdout: show(stdout), stderr: show(stderr) } };
  } catch (error) {
    return { hasChild, rejected: errorFields(error) };
  }
}

export const exec: readonly Scenario[] = [
  {
    name: 'exec callback: stdout and stderr as strings',
    run: (run) => callback(run, (cb) => run.api.exec('echo out; echo err >&2', cb)),
  },
  {
    name: 'exec callback: non-zero exit gives code, killed, signal, cmd',
    run: (run) => callback(run, (cb) => run.api.exec('echo x; exit 4', cb)),
  },
  {
    name: 'exec with a shell path, cwd and env',
    run: (run) =>
      callback(run, (cb) =>
        run.api.exec('echo "$0 $PWD $V"', { shell: '/bin/bash', cwd: '/', env: { V: 'v' } }, cb),
      ),
  },
  {
    name: 'exec without a callback: events and streams',
    run: (run) => run.observe(run.api.exec('echo plain; exit 2')),
  },
  {
    name: 'promisify(exec) resolves {stdout, stderr} and carries .child',
    run: (run) => promised(run, promisify(run.api.exec)('echo promised; echo e >&2')),
  },
  {
    name: 'promisify(exec) rejects with code, stdout and stderr on the error',
    run: (run) => promised(run, promisify(run.api.exec)('echo partial; echo bad >&2; exit 7')),
  },
  {
    name: 'execFile callback with args',
    run: (run) => callback(run, (cb) => run.api.execFile('echo', ['a', 'b c'], cb)),
  },
  {
    name: 'execFile of a missing command: ENOENT with cmd',
    run: (run) => callback(run, (cb) => run.api.execFile('no-such-cmd-tethered', ['a'], cb)),
  },
  {
    name: 'execFile timeout: killed, signal SIGTERM',
    run: (run) => callback(run, (cb) => run.api.execFile('sleep', ['30'], { timeout: 50 }, cb)),
  },
  {
    name: 'execFile timeout with killSignal SIGKILL',
    run: (run) =>
      callback(run, (cb) =>
        run.api.execFile('sleep', ['30'], { timeout: 50, killSignal: 'SIGKILL' }, cb),
      ),
  },
  {
    name: 'execFile maxBuffer exceeded',
    run: (run) =>
      callback(run, (cb) =>
        run.api.execFile('sh', ['-c', 'echo 0123456789; sleep 30'], { maxBuffer: 4 }, cb),
      ),
  },
  {
    name: "execFile encoding 'buffer' gives Buffers",
    run: (run) =>
      callback(run, (cb) =>
        run.api.execFile(
          'printf',
          ['\\001\\377'],
          { encoding: 'buffer' },
          (error, stdout, stderr) => {
            cb(error, stdout, stderr);
          },
        ),
      ),
  },
  {
    name: "execFile encoding 'latin1'",
    run: (run) =>
      callback(run, (cb) =>
        run.api.execFile('printf', ['\\351t\\351'], { encoding: 'latin1' }, cb),
      ),
  },
  {
    name: 'promisify(execFile) resolves and rejects like Node',
    run: async (run) => {
      const execFile = promisify(run.api.execFile);
      return [
        await promised(run, execFile('sh', ['-c', 'echo ok'])),
        await promised(run, execFile('sh', ['-c', 'echo no >&2; exit 9'])),
      ];
    },
  },
  {
    name: 'execFile with an AbortSignal aborted after spawn',
    run: (run) => {
      const controller = new AbortController();
      return callback(run, (cb) => {
        const child = run.api.execFile('sleep', ['30'], { signal: controller.signal }, cb);
        child.once('spawn', () => {
          controller.abort();
        });
        return child;
      });
    },
  },
  {
    name: 'execFile through a shell with shell: true',
    run: (run) => callback(run, (cb) => run.api.execFile('echo $((6*7))', { shell: true }, cb)),
  },
];
