// Tree mode in spawnSync, execSync and execFileSync: results exactly like node:child_process's
// (compared in the same test), the result's pid is the command's, and descendants left behind by
// a call that returned (or killed with the parent while it is blocked) die with the parent. The
// same calls without tree mode leave the backgrounded sleep: the control.
import * as childProcess from 'node:child_process';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tethered from '../../lib/index.js';
import {
  childrenOf,
  isAlive,
  killQuietly,
  processState,
  START_BOUND_MS,
  waitFor,
} from '../helpers/proc.js';
import { argvOf, liveTree, marked, uniqueMarker } from './tree-procs.js';

const PARENT = new URL('../fixtures/tree/sync-parent.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tethered-sync-tree-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Fn = 'spawnSync' | 'execFileSync';

/** What a sync call gave: its result, or the fields of what it threw. */
function outcome(call: () => unknown): unknown {
  try {
    const result = call() as Record<string, unknown>;
    return { ...result, pid: typeof result['pid'] === 'number' ? 'pid' : result['pid'] };
  } catch (error) {
    const e = error as Record<string, unknown>;
    return {
      thrown: true,
      message: e['message'],
      code: e['code'],
      errno: e['errno'],
      syscall: e['syscall'],
      path: e['path'],
      spawnargs: e['spawnargs'],
      status: e['status'],
      signal: e['signal'],
      stdout: e['stdout'],
      stderr: e['stderr'],
    };
  }
}

function both(fn: Fn, file: string, args: string[], options: Record<string, unknown> = {}) {
  const mine = outcome(() =>
    (tethered[fn] as (...a: unknown[]) => unknown)(file, args, { ...options, tree: true }),
  );
  const node = outcome(() =>
    (childProcess[fn] as (...a: unknown[]) => unknown)(file, args, options),
  );
  return { mine, node };
}

describe('sync functions with tree: true match node:child_process', () => {
  for (const fn of ['spawnSync', 'execFileSync'] as const) {
    for (const script of ['exit 0', 'printf "a\\0b"; exit 1', 'echo out; echo err >&2; exit 42']) {
      it(`${fn}: ${script}`, () => {
        const { mine, node } = both(fn, 'sh', ['-c', script]);
        expect(mine).toStrictEqual(node);
      });
    }
    for (const sig of ['KILL', 'SEGV']) {
      it(`${fn}: the command dies of SIG${sig}`, () => {
        const { mine, node } = both(fn, 'sh', ['-c', `kill -${sig} $$`]);
        expect(mine).toStrictEqual(node);
        expect(JSON.stringify(mine)).toContain(`SIG${sig}`);
      });
    }
    it(`${fn}: ENOENT`, () => {
      const { mine, node } = both(fn, 'tethered-no-such-command-1737', ['x']);
      expect(mine).toStrictEqual(node);
      expect(JSON.stringify(mine)).toContain('ENOENT');
    });
    it(`${fn}: EACCES`, () => {
      const file = join(dir, `not-executable-${fn}`);
      writeFileSync(file, '#!/bin/sh\nexit 0\n');
      chmodSync(file, 0o644);
      const { mine, node } = both(fn, file, []);
      expect(mine).toStrictEqual(node);
      expect(JSON.stringify(mine)).toContain('EACCES');
    });
    it(`${fn}: timeout kills the command and reports ETIMEDOUT with the signal`, () => {
      const { mine, node } = both(fn, 'sleep', ['5'], { timeout: 100 });
      expect(mine).toStrictEqual(node);
      expect(JSON.stringify(mine)).toContain('ETIMEDOUT');
      expect(JSON.stringify(mine)).toContain('SIGTERM');
    });
    it(`${fn}: maxBuffer kills the command and reports ENOBUFS`, () => {
      const { mine, node } = both(fn, 'sh', ['-c', 'head -c 300000 /dev/zero; exec sleep 5'], {
        maxBuffer: 1000,
      });
      // How much was read before the kill depends on timing, in Node's runner as in ours.
      const cut = (o: unknown) =>
        JSON.stringify(o, (_key, value: unknown) =>
          (value as { type?: unknown } | null)?.type === 'Buffer' ? 'bytes' : value,
        );
      expect(cut(mine)).toBe(cut(node));
      expect(JSON.stringify(mine)).toContain('ENOBUFS');
    });
  }

  it('execSync: status, stdout and stderr as Node', () => {
    const run = (f: typeof childProcess.execSync, options: Record<string, unknown>) =>
      outcome(() => ({ stdout: f('echo hi; echo e >&2; exit 3', { ...options, stdio: 'pipe' }) }));
    expect(run(tethered.execSync, { tree: true })).toStrictEqual(run(childProcess.execSync, {}));
  });

  it("the result's pid is the command's, not its guardian's", () => {
    const result = tethered.spawnSync('sh', ['-c', 'echo $$'], { tree: true, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.pid).toBe(Number(result.stdout.trim()));
  });

  it('leaves no fd open and no guardian unreaped', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    // Guardians are the spawner thread's children, reaped by it (with their control sockets
    // closed) once their tree is empty.
    const guardians = () =>
      childrenOf(process.pid).filter((pid) => processState(pid) !== undefined).length;
    tethered.spawnSync('true', [], { tree: true });
    expect(await waitFor(() => guardians() === 0, 5000)).toBe(true);
    const before = fds();
    for (let i = 0; i < 20; i++) {
      tethered.spawnSync('sh', ['-c', 'printf x; exit 1'], { tree: true, timeout: 10_000 });
      tethered.spawnSync('tethered-no-such-command-1737', [], { tree: true });
    }
    expect(await waitFor(() => guardians() === 0, 5000)).toBe(true);
    expect(fds()).toBe(before);
  });
});

interface Parent {
  child: ChildProcess;
  marker: string;
  line: Promise<string>;
}

function startParent(
  config: Record<string, unknown>,
  onTestFinished: (fn: () => void) => void,
): Parent {
  const marker = uniqueMarker();
  const child = spawn(process.execPath, [PARENT, JSON.stringify({ marker, ...config })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    killQuietly(child);
    for (const pid of liveTree(marker)) killQuietly(pid);
  });
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out);
    });
    child.on('exit', () => {
      reject(new Error(`fixture parent exited early: ${out}`));
    });
  });
  line.catch(() => {}); // awaited where the test needs it; the 'during' parent never prints
  return { child, marker, line };
}

const live = (marker: string) =>
  marked(marker).filter((p) => p.state !== 'Z' && p.argv[0] === 'sleep').length;

describe.concurrent('descendants of a sync tree call die with the parent', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['tree: true, after the call returned', { options: { tree: true } }, true],
    [
      'tree: true, in a Worker, after the call returned',
      { options: { tree: true }, worker: true },
      true,
    ],
    ['the tree default (setDefaults), after the call returned', { defaults: { tree: true } }, true],
    ['control: without tree mode the backgrounded sleep survives', { options: {} }, false],
  ];
  for (const [name, config, gone] of cases) {
    it(name, async ({ onTestFinished }) => {
      const parent = startParent(
        { when: 'after', defaults: null, worker: false, ...config },
        onTestFinished,
      );
      const { pid } = JSON.parse(await parent.line) as { pid: number };
      // `echo $!` runs while the backgrounded sleep may still be a forked sh or inside its execve.
      expect(await waitFor(() => argvOf(pid)?.[1] === parent.marker, START_BOUND_MS)).toBe(true);
      killQuietly(parent.child);
      expect(await waitFor(() => !isAlive(parent.child.pid ?? 0), 5000)).toBe(true);
      // tree: grace 3 s is never needed (sleep dies of SIGTERM); the control gets the same wait.
      await waitFor(() => live(parent.marker) === 0, 1500);
      expect(live(parent.marker) === 0).toBe(gone);
    });
  }

  it('tree: true, parent SIGKILLed while blocked in execSync: every descendant gone', async ({
    onTestFinished,
  }) => {
    const parent = startParent(
      { when: 'during', options: { tree: true }, defaults: null, worker: false },
      onTestFinished,
    );
    expect(await waitFor(() => live(parent.marker) === 2, START_BOUND_MS)).toBe(true);
    killQuietly(parent.child);
    expect(await waitFor(() => live(parent.marker) === 0, 2000)).toBe(true);
  });
});
