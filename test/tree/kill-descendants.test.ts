// killDescendants: every signal sent through a child's handle reaches the command and every live
// descendant, by default in tree mode. Each row of the scenario table runs through
// node:child_process (the control: 'close' held back by the grandchildren, or grandchildren left
// running), tree mode, tree mode with killDescendants: false (today's behaviour, killTree() still
// ends them) and default mode with killDescendants: true. The grandchildren sleep for over an
// hour: a stop that comes within the test's timeout came well before they would have exited.
import * as node from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  capabilities,
  exec,
  execFile,
  execFileSync,
  execSync,
  fork,
  killTree,
  setDefaults,
  spawn,
  spawnAsync,
  spawnSync,
} from '../../lib/index.js';
import { killQuietly, waitFor } from '../helpers/proc.js';
import { liveTree, uniqueMarker } from './tree-procs.js';

const usr1Tree = new URL('../fixtures/tree/usr1-tree.sh', import.meta.url).pathname;
// Without pidfds no descendant can be proven (README, "Tree mode"): only the command is signalled.
const { pidfd } = capabilities();

interface Mode {
  name: string;
  options: Record<string, unknown>;
  /** Whether a stop ends the descendants. */
  ends: boolean;
  spawn: typeof node.spawn;
  exec: typeof node.exec;
  execSync: typeof node.execSync;
}

const tethered = { spawn, exec, execSync };
const control: Mode = {
  name: 'node:child_process',
  options: {},
  ends: false,
  spawn: node.spawn,
  exec: node.exec,
  execSync: node.execSync,
};
const modes: Mode[] = [
  { name: 'tree mode', options: { tree: true }, ends: pidfd, ...tethered },
  {
    name: 'tree mode, killDescendants: false',
    options: { tree: true, killDescendants: false },
    ends: false,
    ...tethered,
  },
  {
    name: 'default mode, killDescendants: true',
    options: { killDescendants: true },
    ends: pidfd,
    ...tethered,
  },
];

/** SIGKILLs every marked process until none is left (a looping sh may start one more sleep). */
function endAll(marker: string): Promise<boolean> {
  return waitFor(
    () => {
      const live = liveTree(marker);
      for (const pid of live) killQuietly(pid);
      return live.length === 0;
    },
    20_000,
    50,
  );
}

function cleanup(marker: string, onTestFinished: (fn: () => Promise<void>) => void): void {
  onTestFinished(async () => {
    await endAll(marker);
  });
}

/** A few turns of the event loop: whatever was already due has been emitted. */
async function turns(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

type Stop = (child: node.ChildProcess, abort: AbortController) => void;

const stops: [string, Stop][] = [
  [
    'child.kill()',
    (child) => {
      expect(child.kill()).toBe(true);
      expect(child.killed).toBe(true);
    },
  ],
  [
    'an AbortSignal',
    (_child, abort) => {
      abort.abort();
    },
  ],
  [
    '[Symbol.dispose]()',
    (child) => {
      (child as unknown as Disposable)[Symbol.dispose]();
    },
  ],
];

/**
 * spawn (stdio pipes) of a command with two sleeping grandchildren, stopped by `stop`. Where the
 * stop ends the descendants, 'close' comes and none is alive; where it does not, 'close' is held
 * back after 'exit' while both sleep on (then they are ended: by killTree() for a tethered child,
 * directly for the control).
 */
async function stopSpawned(mode: Mode, stop: Stop, marker: string): Promise<void> {
  const abort = new AbortController();
  const child = mode.spawn('sh', ['-c', `sleep ${marker} & sleep ${marker}; wait`], {
    ...mode.options,
    signal: abort.signal,
  });
  child.on('error', () => {}); // the AbortError
  let closed = false;
  const close = new Promise((resolve) => {
    child.once('close', resolve);
  }).then(() => (closed = true));
  expect(await waitFor(() => liveTree(marker).length === 2, 30_000, 50)).toBe(true);
  const exit = new Promise((resolve) => {
    child.once('exit', (...args) => {
      resolve(args);
    });
  });
  stop(child, abort);
  expect(await exit).toEqual([null, 'SIGTERM']);
  if (!pidfd && mode.options['tree'] === true && mode.options['killDescendants'] !== false) {
    // Without pidfds the guardian signals its own children only: the sleeps, orphaned when `sh`
    // dies, are ended only if it adopted them before its signalling pass (README, "Tree mode").
    // Whatever is left holds 'close' back until it is ended here.
    expect(liveTree(marker).length).toBeLessThanOrEqual(2);
    for (const pid of liveTree(marker)) killQuietly(pid);
    await close;
    expect(await waitFor(() => liveTree(marker).length === 0, 20_000, 50)).toBe(true);
    return;
  }
  if (mode.ends) {
    await close;
    expect(await waitFor(() => liveTree(marker).length === 0, 20_000, 50)).toBe(true);
    return;
  }
  await turns();
  expect(closed).toBe(false);
  expect(liveTree(marker).length).toBe(2);
  if (mode.options['tree'] === true) {
    expect(killTree(child, 'SIGKILL')).toBe(true);
  } else {
    // The control, or a default child without pidfds: its exited command leaves nothing that
    // killTree() could prove (README), so the test ends the sleeps itself.
    for (const pid of liveTree(marker)) killQuietly(pid);
  }
  await close;
  expect(await waitFor(() => liveTree(marker).length === 0, 20_000, 50)).toBe(true);
}

/** exec with `options`: the callback's error; then the descendants are ended or left as `mode` says. */
async function execStopped(
  mode: Mode,
  command: string,
  options: Record<string, unknown>,
  marker: string,
): Promise<node.ExecException | null> {
  const error = await new Promise<node.ExecException | null>((resolve) => {
    mode.exec(command, { ...mode.options, ...options }, (failure) => {
      resolve(failure);
    });
  });
  await expectDescendants(mode, marker, 1);
  return error;
}

/**
 * With `mode.ends`, none of the marked descendants lives; else `left` of them still run. A tree
 * child without pidfds: the guardian signals its own children only, so a descendant it adopted
 * before the kill arrived is ended and one orphaned after is not: at most `left` run.
 */
async function expectDescendants(mode: Mode, marker: string, left: number): Promise<void> {
  if (!pidfd && mode.options['tree'] === true && mode.options['killDescendants'] !== false) {
    expect(await waitFor(() => liveTree(marker).length <= left, 20_000, 50)).toBe(true);
  } else if (mode.ends) {
    expect(await waitFor(() => liveTree(marker).length === 0, 20_000, 50)).toBe(true);
  } else {
    expect(await waitFor(() => liveTree(marker).length === left, 20_000, 50)).toBe(true);
  }
}

describe.concurrent('killDescendants', () => {
  for (const mode of [control, ...modes]) {
    describe(mode.name, () => {
      for (const [name, stop] of stops) {
        it(`${name}: ${mode.ends ? "'close' comes, no descendant left" : "'close' waits for the descendants"}`, async ({
          onTestFinished,
        }) => {
          const marker = uniqueMarker();
          cleanup(marker, onTestFinished);
          await stopSpawned(mode, stop, marker);
        });
      }

      it(`exec timeout: the callback, then ${mode.ends ? 'no descendant' : 'the sleep still runs'}`, async ({
        onTestFinished,
      }) => {
        const marker = uniqueMarker();
        cleanup(marker, onTestFinished);
        const error = await execStopped(
          mode,
          `sleep ${marker}; echo done`,
          { timeout: 300 },
          marker,
        );
        expect(error?.killed).toBe(true);
        expect(error?.signal).toBe('SIGTERM');
      });

      it(`exec maxBuffer: the callback, then ${mode.ends ? 'no descendant' : 'the sleep still runs'}`, async ({
        onTestFinished,
      }) => {
        const marker = uniqueMarker();
        cleanup(marker, onTestFinished);
        const command = `sleep ${marker} & head -c 100000 /dev/zero; wait`;
        const error = await execStopped(mode, command, { maxBuffer: 1000 }, marker);
        expect((error as { code?: unknown } | null)?.code).toBe(
          'ERR_CHILD_PROCESS_STDIO_MAXBUFFER',
        );
      });

      it(`execSync timeout: ETIMEDOUT, then ${mode.ends ? 'no descendant' : 'the sleep still runs'}`, async ({
        onTestFinished,
      }) => {
        const marker = uniqueMarker();
        cleanup(marker, onTestFinished);
        expect(() =>
          mode.execSync(`sleep ${marker}; echo done`, { ...mode.options, timeout: 300 }),
        ).toThrow(expect.objectContaining({ code: 'ETIMEDOUT' }) as Error);
        await expectDescendants(mode, marker, 1);
      });

      it(`execSync maxBuffer: ENOBUFS, then ${mode.ends ? 'no descendant' : 'the sleep still runs'}`, async ({
        onTestFinished,
      }) => {
        const marker = uniqueMarker();
        cleanup(marker, onTestFinished);
        const command = `sleep ${marker} & head -c 100000 /dev/zero; wait`;
        expect(() => mode.execSync(command, { ...mode.options, maxBuffer: 1000 })).toThrow(
          expect.objectContaining({ code: 'ENOBUFS' }) as Error,
        );
        await expectDescendants(mode, marker, 1);
      });

      it(`SIGUSR1 reaches ${mode.ends ? 'the command and the grandchild, once each' : 'the command only'}`, async ({
        onTestFinished,
      }) => {
        const marker = uniqueMarker();
        cleanup(marker, onTestFinished);
        const child = mode.spawn('sh', [usr1Tree, marker], {
          ...mode.options,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const close = once(child, 'close');
        expect(
          await waitFor(
            () =>
              /command-ready[^]*grandchild-ready|grandchild-ready[^]*command-ready/.test(output),
            30_000,
          ),
        ).toBe(true);
        expect(child.kill('SIGUSR1')).toBe(true);
        expect(await waitFor(() => output.includes('command-usr1'), 30_000, 50)).toBe(true);
        if (mode.ends) {
          expect(await waitFor(() => output.includes('grandchild-usr1'), 30_000, 50)).toBe(true);
        }
        // kill() sent its signals before it returned (the command's directly, the guardian's
        // collected before any was sent): nothing more can arrive.
        expect(await endAll(marker)).toBe(true);
        await close;
        const count = (line: string): number => output.split('\n').filter((l) => l === line).length;
        expect(count('command-usr1')).toBe(1);
        expect(count('grandchild-usr1')).toBe(mode.ends ? 1 : 0);
      });
    });
  }
});

describe('killDescendants validation', () => {
  const calls: [string, (options: Record<string, unknown>) => unknown][] = [
    ['spawn', (options) => spawn('true', [], options).on('error', () => {})],
    ['exec', (options) => exec('true', options)],
    ['execFile', (options) => execFile('true', [], options)],
    ['fork', (options) => fork('unused.js', [], { ...options, execPath: 'true', silent: true })],
    ['spawnSync', (options) => spawnSync('true', [], options)],
    ['execSync', (options) => execSync('true', options)],
    ['execFileSync', (options) => execFileSync('true', [], options)],
  ];
  const thrown = (call: () => unknown): { code?: unknown; message?: unknown } => {
    try {
      call();
    } catch (error) {
      return error as { code?: unknown; message?: unknown };
    }
    return {};
  };
  // Node's error for the boolean option `detached`, naming killDescendants.
  const expected = (value: unknown) => {
    const error = thrown(() => node.spawn('true', [], { detached: value as boolean }));
    return {
      code: error.code,
      message: String(error.message).replace('options.detached', 'options.killDescendants'),
    };
  };

  for (const [name, call] of calls) {
    it(`${name}: a non-boolean throws ERR_INVALID_ARG_TYPE; booleans, null and undefined are accepted`, async () => {
      for (const value of ['yes', 1, {}]) {
        expect(thrown(() => call({ killDescendants: value }))).toMatchObject(expected(value));
      }
      for (const value of [true, false, null, undefined]) {
        expect(thrown(() => call({ killDescendants: value }))).toEqual({});
      }
      await turns();
    });
  }

  it('spawnAsync rejects with the same error', async () => {
    const error = await spawnAsync('true', [], {
      killDescendants: 'yes' as unknown as boolean,
    }).then(
      () => ({}),
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject(expected('yes'));
  });

  it('setDefaults() refuses a non-boolean default with the same error', () => {
    expect(
      thrown(() => setDefaults({ killDescendants: 'yes' as unknown as boolean })),
    ).toMatchObject(expected('yes'));
  });
});
