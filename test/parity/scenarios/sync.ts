// Synchronous scenarios: spawnSync, execSync and execFileSync through node:child_process and
// tethered, compared whole (see ../sync-harness.ts).
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outcome, resultRecord, type SyncContext, type SyncScenario } from '../sync-harness.js';

const isRoot = process.getuid?.() === 0;
const PY = 'python3';

/** spawnSync(file, args, options) recorded whole. */
function spawnSync(file: string, args: string[], options: Record<string, unknown> = {}) {
  return ({ api, dir }: SyncContext) =>
    resultRecord(api.spawnSync(file, args, options as { encoding?: undefined }), dir);
}

/** A child that writes `count` bytes of 'x' to fd `fd` in one write, then exits. */
function writes(fd: number, count: number): string[] {
  return ['-c', `import os; os.write(${String(fd)}, b"x" * ${String(count)})`];
}

/**
 * Like {@link writes}, then waits to be killed: a child that exits right after writing may exit
 * before the parent has read past `maxBuffer`, in Node as in tethered, so whether it gets killed
 * would be a race.
 */
function writesThenWaits(fd: number, count: number): string[] {
  return [
    '-c',
    `import os, time; os.write(${String(fd)}, b"x" * ${String(count)}); time.sleep(60)`,
  ];
}

const BIG_ENV = { BIG: 'x'.repeat(3_000_000) };
const TEN_MB = 10 * 1024 * 1024;

const spawnSyncScenarios: SyncScenario[] = [
  { name: 'spawnSync: exit 0 with stdout', run: spawnSync('echo', ['hello', 'world']) },
  {
    name: 'spawnSync: non-zero exit code with stdout and stderr',
    run: spawnSync('sh', ['-c', 'echo out; echo err >&2; exit 3']),
  },
  { name: 'spawnSync: death by SIGKILL', run: spawnSync('sh', ['-c', 'echo before; kill -9 $$']) },
  { name: 'spawnSync: death by SIGTERM', run: spawnSync('sh', ['-c', 'kill -TERM $$']) },
  { name: 'spawnSync: exit code 255', run: spawnSync('sh', ['-c', 'exit 255']) },
  { name: 'spawnSync: ENOENT', run: spawnSync('tethered-no-such-command', ['a', 'b']) },
  {
    name: 'spawnSync: EACCES (file without execute permission)',
    run: (ctx) => {
      const file = join(ctx.dir, 'not-executable');
      writeFileSync(file, '#!/bin/sh\necho no\n', { mode: 0o644 });
      return spawnSync(file, [])(ctx);
    },
  },
  { name: 'spawnSync: bad cwd', run: spawnSync('true', [], { cwd: '/tethered/no/such/dir' }) },
  { name: 'spawnSync: E2BIG from the environment', run: spawnSync('true', [], { env: BIG_ENV }) },
  { name: 'spawnSync: E2BIG from one argument', run: spawnSync('true', ['y'.repeat(200_000)]) },
  {
    name: 'spawnSync: arguments that are not strings are converted as Node converts them',
    run: spawnSync('echo', [1, {}, null, true] as unknown as string[]),
  },
  {
    // Node's runner converts each argument with ToString, which throws for a Symbol.
    name: 'spawnSync: a Symbol argument throws TypeError',
    reachesRunner: false,
    run: rejected(({ api }) => api.spawnSync('echo', ['a', Symbol('b')] as unknown as string[])),
  },
  {
    name: 'spawnSync: 10 MB of stdout',
    run: spawnSync('head', ['-c', String(TEN_MB), '/dev/zero'], { maxBuffer: 2 * TEN_MB }),
  },
  {
    name: 'spawnSync: 10 MB of stdout, bytes compared',
    run: ({ api }) => {
      const result = api.spawnSync(
        PY,
        ['-c', `import sys; sys.stdout.write("ab" * ${String(TEN_MB / 2)})`],
        {
          maxBuffer: 2 * TEN_MB,
        },
      );
      return {
        length: result.stdout.length,
        same: result.stdout.equals(Buffer.alloc(TEN_MB, 'ab')),
      };
    },
  },
  { name: 'spawnSync: input as a string', run: spawnSync('cat', [], { input: 'text input\n' }) },
  {
    name: 'spawnSync: input as a string with encoding hex',
    run: spawnSync('cat', [], { input: '68656c6c6f', encoding: 'hex' }),
  },
  {
    name: 'spawnSync: input as a Buffer',
    run: spawnSync('cat', [], { input: Buffer.from([0, 1, 2, 255]) }),
  },
  {
    name: 'spawnSync: input as a Uint8Array',
    run: spawnSync('cat', [], { input: new Uint8Array([104, 105]) }),
  },
  {
    name: 'spawnSync: input as a Uint16Array',
    run: spawnSync('cat', [], { input: new Uint16Array([0x4241, 0x4443]) }),
  },
  {
    name: 'spawnSync: input as a Float64Array',
    run: spawnSync('cat', [], { input: new Float64Array([1.5, -2]) }),
  },
  {
    name: 'spawnSync: input as a DataView with an offset',
    run: spawnSync('cat', [], {
      input: new DataView(new Uint8Array([1, 2, 3, 4, 5]).buffer, 1, 3),
    }),
  },
  {
    name: 'spawnSync: input as a TypedArray view with an offset',
    run: spawnSync('cat', [], { input: new Uint8Array(new Uint8Array([9, 8, 7, 6]).buffer, 2, 2) }),
  },
  { name: 'spawnSync: empty input string', run: spawnSync('cat', [], { input: '' }) },
  {
    name: 'spawnSync: 2 MB of input round-trips',
    run: ({ api }) => {
      const input = Buffer.alloc(2 * 1024 * 1024, 'q');
      const result = api.spawnSync('cat', [], { input, maxBuffer: 4 * 1024 * 1024 });
      return {
        status: result.status,
        error: result.error?.message,
        same: result.stdout.equals(input),
      };
    },
  },
  {
    name: 'spawnSync: input to a child that never reads stdin (EPIPE)',
    run: spawnSync('true', [], { input: Buffer.alloc(TEN_MB) }),
  },
  {
    name: 'spawnSync: maxBuffer hit on stdout',
    run: spawnSync(PY, writesThenWaits(1, 300), { maxBuffer: 100 }),
  },
  {
    name: 'spawnSync: maxBuffer hit on stderr',
    run: spawnSync(PY, writesThenWaits(2, 300), { maxBuffer: 100 }),
  },
  {
    name: 'spawnSync: maxBuffer counts stdout and stderr together',
    run: spawnSync(
      'sh',
      [
        '-c',
        `${PY} -c 'import os; os.write(1, b"o" * 80)'; exec ${PY} -c 'import os, time; os.write(2, b"e" * 80); time.sleep(60)'`,
      ],
      { maxBuffer: 100 },
    ),
  },
  {
    name: 'spawnSync: output of exactly maxBuffer is not an error',
    run: spawnSync(PY, writes(1, 100), { maxBuffer: 100 }),
  },
  {
    name: 'spawnSync: maxBuffer with a custom killSignal',
    run: spawnSync(PY, writesThenWaits(1, 300), { maxBuffer: 10, killSignal: 'SIGKILL' }),
  },
  {
    name: 'spawnSync: timeout, default killSignal',
    run: spawnSync('sleep', ['7.31'], { timeout: 100 }),
  },
  {
    name: 'spawnSync: timeout, killSignal SIGINT',
    run: spawnSync('sleep', ['7.32'], { timeout: 100, killSignal: 'SIGINT' }),
  },
  {
    name: 'spawnSync: timeout, killSignal as a number (9)',
    run: spawnSync('sleep', ['7.33'], { timeout: 100, killSignal: 9 }),
  },
  {
    name: 'spawnSync: timeout not reached',
    run: spawnSync('sh', ['-c', 'echo quick'], { timeout: 10_000 }),
  },
  {
    name: 'spawnSync: timeout while a grandchild holds stdout after the child exited',
    run: spawnSync('sh', ['-c', 'sleep 1.37 & echo child-done'], { timeout: 500 }),
  },
  {
    name: 'spawnSync: encoding utf8',
    run: spawnSync('printf', ['h\\303\\251llo'], { encoding: 'utf8' }),
  },
  {
    name: 'spawnSync: encoding latin1',
    run: spawnSync('printf', ['\\377\\001'], { encoding: 'latin1' }),
  },
  { name: 'spawnSync: encoding hex', run: spawnSync('printf', ['AB'], { encoding: 'hex' }) },
  {
    name: "spawnSync: encoding 'buffer'",
    run: spawnSync('printf', ['AB'], { encoding: 'buffer' }),
  },
  {
    name: "spawnSync: stdio 'inherit' for stdout",
    run: spawnSync('true', [], { stdio: ['pipe', 'inherit', 'pipe'] }),
  },
  { name: "spawnSync: stdio 'inherit'", run: spawnSync('true', [], { stdio: 'inherit' }) },
  {
    name: "spawnSync: stdio 'ignore' (the child sees /dev/null)",
    run: spawnSync('sh', ['-c', 'readlink /proc/self/fd/0 >&2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  },
  {
    name: 'spawnSync: stdio integer fd for stdout (a file)',
    run: ({ api, dir }) => {
      const path = join(dir, 'out.txt');
      const fd = openSync(path, 'w');
      try {
        const result = resultRecord(
          api.spawnSync('echo', ['to-a-file'], { stdio: ['pipe', fd, 'pipe'] }),
          dir,
        );
        return { result, file: readFileSync(path, 'utf8') };
      } finally {
        closeSync(fd);
      }
    },
  },
  {
    name: "spawnSync: an extra 'pipe' at fd 3",
    run: spawnSync('sh', ['-c', 'echo three >&3'], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] }),
  },
  {
    name: 'spawnSync: shell: true',
    run: spawnSync('echo $((6 * 7)) | tr 4 X', [], { shell: true }),
  },
  {
    name: 'spawnSync: shell as a path',
    run: spawnSync('echo "$0"', [], { shell: '/bin/sh' }),
  },
  {
    name: 'spawnSync: argv0',
    run: spawnSync('sh', ['-c', 'echo "$0"'], { argv0: 'custom-argv0' }),
  },
  {
    name: 'spawnSync: env replaces the environment',
    run: spawnSync('/usr/bin/env', [], { env: { ONLY: 'this' } }),
  },
  { name: 'spawnSync: cwd', run: (ctx) => spawnSync('pwd', [], { cwd: ctx.dir })(ctx) },
  {
    name: 'spawnSync: detached: true starts a new session',
    run: spawnSync(PY, ['-c', 'import os; print(os.getsid(0) == os.getpid())'], { detached: true }),
  },
  {
    name: 'spawnSync: windowsHide is accepted',
    run: spawnSync('echo', ['hidden'], { windowsHide: true }),
  },
];

const execSyncScenarios: SyncScenario[] = [
  {
    name: 'execSync: stdout as a Buffer',
    run: ({ api, dir }) => outcome(() => api.execSync('echo hi'), dir),
  },
  {
    name: 'execSync: encoding utf8',
    run: ({ api, dir }) => outcome(() => api.execSync('printf "%s" ok', { encoding: 'utf8' }), dir),
  },
  {
    name: 'execSync: non-zero exit throws with status, stdout, stderr and output',
    run: ({ api, dir }) =>
      outcome(
        () => api.execSync('echo out; echo err >&2; exit 4', { stdio: 'pipe', encoding: 'utf8' }),
        dir,
      ),
  },
  {
    name: 'execSync: death by signal throws',
    run: ({ api, dir }) => outcome(() => api.execSync('kill -KILL $$', { stdio: 'pipe' }), dir),
  },
  {
    name: 'execSync: input',
    run: ({ api, dir }) => outcome(() => api.execSync('tr a-z A-Z', { input: 'shout' }), dir),
  },
  {
    name: 'execSync: timeout throws ETIMEDOUT',
    run: ({ api, dir }) => outcome(() => api.execSync('sleep 7.34', { timeout: 100 }), dir),
  },
  {
    name: 'execSync: maxBuffer throws ENOBUFS',
    run: ({ api, dir }) =>
      outcome(
        () =>
          api.execSync(`exec ${PY} -c 'import os, time; os.write(1, b"z" * 300); time.sleep(60)'`, {
            maxBuffer: 50,
          }),
        dir,
      ),
  },
  {
    name: 'execSync: a command that is not found (exit 127)',
    run: ({ api, dir }) =>
      outcome(() => api.execSync('tethered-no-such-command-2', { stdio: 'pipe' }), dir),
  },
  {
    name: 'execSync: shell /bin/bash',
    run: ({ api, dir }) =>
      outcome(() => api.execSync('echo ${BASH_VERSION:+bash}', { shell: '/bin/bash' }), dir),
  },
];

const execFileSyncScenarios: SyncScenario[] = [
  {
    name: 'execFileSync: stdout',
    run: ({ api, dir }) => outcome(() => api.execFileSync('echo', ['a', 'b']), dir),
  },
  {
    name: 'execFileSync: ENOENT throws',
    run: ({ api, dir }) =>
      outcome(() => api.execFileSync('tethered-no-such-command-3', ['x']), dir),
  },
  {
    name: 'execFileSync: non-zero exit throws',
    run: ({ api, dir }) =>
      outcome(
        () => api.execFileSync('sh', ['-c', 'echo o; echo e >&2; exit 9'], { stdio: 'pipe' }),
        dir,
      ),
  },
  {
    name: 'execFileSync: death by signal throws',
    run: ({ api, dir }) =>
      outcome(() => api.execFileSync('sh', ['-c', 'kill -TERM $$'], { stdio: 'pipe' }), dir),
  },
  {
    name: 'execFileSync: maxBuffer throws ENOBUFS',
    run: ({ api, dir }) =>
      outcome(() => api.execFileSync(PY, writesThenWaits(1, 500), { maxBuffer: 20 }), dir),
  },
  {
    name: 'execFileSync: timeout with killSignal SIGKILL throws',
    run: ({ api, dir }) =>
      outcome(
        () => api.execFileSync('sleep', ['7.35'], { timeout: 100, killSignal: 'SIGKILL' }),
        dir,
      ),
  },
  {
    name: 'execFileSync: encoding utf8 with input',
    run: ({ api, dir }) =>
      outcome(
        () => api.execFileSync('cat', [], { input: Buffer.from('round'), encoding: 'utf8' }),
        dir,
      ),
  },
  {
    name: 'execFileSync: EACCES throws',
    run: ({ api, dir }) => {
      const file = join(dir, 'plain');
      writeFileSync(file, 'data', { mode: 0o600 });
      return outcome(() => api.execFileSync(file), dir);
    },
  },
];

/** Calls that Node rejects in its own validation, before the native call. */
function rejected(call: (ctx: SyncContext) => unknown): (ctx: SyncContext) => unknown {
  return (ctx) => outcome(() => call(ctx), ctx.dir);
}

const validationScenarios: SyncScenario[] = [
  {
    name: 'validation: spawnSync timeout must be a non-negative integer',
    reachesRunner: false,
    run: rejected(({ api }) => api.spawnSync('true', [], { timeout: -1 })),
  },
  {
    name: 'validation: spawnSync maxBuffer must be a non-negative number',
    reachesRunner: false,
    run: rejected(({ api }) => api.spawnSync('true', [], { maxBuffer: -5 })),
  },
  {
    name: 'validation: spawnSync unknown killSignal',
    reachesRunner: false,
    run: rejected(({ api }) =>
      api.spawnSync('true', [], { killSignal: 'SIGNOPE' as NodeJS.Signals }),
    ),
  },
  {
    name: "validation: spawnSync stdio 'ipc' is forbidden",
    reachesRunner: false,
    run: rejected(({ api }) =>
      api.spawnSync('true', [], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] }),
    ),
  },
  {
    name: 'validation: spawnSync uid must be an int32',
    reachesRunner: false,
    run: rejected(({ api }) => api.spawnSync('true', [], { uid: 1.5 })),
  },
  {
    name: 'validation: execFileSync null byte in an argument',
    reachesRunner: false,
    run: rejected(({ api }) => api.execFileSync('echo', ['a\u0000b'])),
  },
  {
    name: 'validation: execSync command must be a string',
    reachesRunner: false,
    run: rejected(({ api }) => (api.execSync as (...a: unknown[]) => unknown)(42)),
  },
  {
    name: 'validation: spawnSync input of an unsupported type',
    reachesRunner: false,
    run: rejected(({ api }) => api.spawnSync('cat', [], { input: 42 as unknown as string })),
  },
];

const faultScenarios: SyncScenario[] = [
  {
    name: 'fault: the child closes stdout early and keeps writing stderr',
    run: spawnSync('sh', ['-c', 'echo first; exec 1>&-; sleep 0.05; echo after-close >&2']),
  },
  {
    name: 'fault: the child closes stdout early and is still running at the timeout',
    run: spawnSync('sh', ['-c', 'exec 1>&-; exec sleep 7.36'], { timeout: 150 }),
  },
  {
    name: 'fault: the child never reads stdin and never exits (timeout ends it)',
    run: spawnSync('sleep', ['7.37'], { input: Buffer.alloc(TEN_MB), timeout: 150 }),
  },
  {
    name: 'fault: the child closes stdin at once while input is pending (EPIPE)',
    run: spawnSync('sh', ['-c', 'exec 0<&-; sleep 0.05; echo done'], {
      input: Buffer.alloc(TEN_MB),
    }),
  },
  {
    name: 'fault: execSync of a child that never reads stdin throws EPIPE',
    run: ({ api, dir }) =>
      outcome(() => api.execSync('exit 0', { input: Buffer.alloc(TEN_MB), stdio: 'pipe' }), dir),
  },
];

const rootScenarios: SyncScenario[] = isRoot
  ? [
      {
        name: 'as root: spawnSync with uid and gid 65534',
        run: spawnSync('sh', ['-c', 'id -u; id -g; id -G'], { uid: 65534, gid: 65534 }),
      },
      {
        name: 'as root: execFileSync with uid only',
        run: ({ api, dir }) => outcome(() => api.execFileSync('id', ['-u'], { uid: 65534 }), dir),
      },
    ]
  : [];

export const sync: Readonly<Record<string, readonly SyncScenario[]>> = {
  spawnSync: spawnSyncScenarios,
  execSync: execSyncScenarios,
  execFileSync: execFileSyncScenarios,
  validation: validationScenarios,
  faults: faultScenarios,
  root: rootScenarios,
};
