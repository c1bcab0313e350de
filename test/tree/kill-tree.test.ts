// killTree(): the whole tree, after the command's exit too, nothing once it is all gone, and never
// a process outside the tree, even when a descendant's pid was reused mid-walk.
import * as nodeChildProcess from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilities, killTree, spawn } from '../../lib/index.js';
import {
  isAlive,
  killQuietly,
  parentPid,
  processState,
  START_BOUND_MS,
  waitFor,
} from '../helpers/proc.js';
import { argvOf, liveTree, treeComplete, uniqueMarker } from './tree-procs.js';

const treeScript = new URL('../fixtures/tree/tree.sh', import.meta.url).pathname;
const reuseParent = new URL('../fixtures/tree/reuse-parent.mjs', import.meta.url).pathname;
const forkerParent = new URL('../fixtures/tree/forker-parent.mjs', import.meta.url).pathname;
const spawnAtPidSource = new URL('../fixtures/tree/spawn-at-pid.c', import.meta.url).pathname;
const pidfd = capabilities().pidfd;

/** The JSON lines `stream` prints, as they arrive. */
function jsonLines(stream: Readable): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>);
      buffered = buffered.slice(nl + 1);
    }
  });
  return lines;
}

/**
 * Starts `fixture` (a parent that prints its tree child's pid as `{command, ...}` and takes
 * commands on stdin) with the guardian's walk pausing `walkPauseMs` before each pidfd_open; waits
 * for its first line. Ends the parent when the test finishes.
 */
async function startPausedWalkParent(
  fixture: string,
  args: string[],
  walkPauseMs: number,
  onTestFinished: (fn: () => void) => void,
) {
  const parent = nodeChildProcess.spawn(process.execPath, [fixture, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, TETHERED_TEST_WALK_PAUSE_MS: String(walkPauseMs) },
  });
  onTestFinished(() => {
    killQuietly(parent);
  });
  const lines = jsonLines(parent.stdout);
  expect(await waitFor(() => lines.length >= 1, START_BOUND_MS)).toBe(true);
  const command = (lines[0] as { command: number }).command;
  const guardian = parentPid(command) ?? 0;
  expect(argvOf(guardian)?.[0]).toBe('tethered-guardian');
  return { parent, lines, command, guardian };
}

function cleanup(marker: string, onTestFinished: (fn: () => void) => void): void {
  onTestFinished(() => {
    for (const pid of liveTree(marker)) killQuietly(pid);
  });
}

describe.concurrent('killTree', () => {
  it('on a live tree: every descendant, TERM-trapping ones after the grace period', async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    cleanup(marker, onTestFinished);
    const child = spawn('sh', [treeScript, marker], { tree: true, stdio: 'ignore' });
    expect(await waitFor(() => treeComplete(marker), START_BOUND_MS)).toBe(true);
    const exited = once(child, 'exit');
    expect(killTree(child, 'SIGTERM', { graceMs: 300 })).toBe(true);
    expect(await waitFor(() => liveTree(marker).length === 0, 1300)).toBe(true);
    expect(await exited).toEqual([null, 'SIGTERM']);
  });

  it('after the command exited: the descendants it left behind', async ({ onTestFinished }) => {
    const marker = uniqueMarker();
    cleanup(marker, onTestFinished);
    const child = spawn('sh', ['-c', `sleep ${marker} & sleep ${marker} & exit 3`], {
      tree: true,
      stdio: 'ignore',
    });
    expect(await once(child, 'exit')).toEqual([3, null]);
    expect(liveTree(marker).length).toBe(2); // still running, as with Node
    expect(killTree(child, 'SIGKILL')).toBe(true);
    expect(await waitFor(() => liveTree(marker).length === 0, 1000)).toBe(true);
  });

  it('on a child whose tree is all gone: false, nothing signalled', async () => {
    const child = spawn('sh', ['-c', 'read line'], {
      tree: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const pid = child.pid ?? 0;
    const guardian = parentPid(pid) ?? 0;
    expect(argvOf(guardian)?.[0]).toBe('tethered-guardian');
    child.stdin.end('\n');
    await once(child, 'exit');
    expect(await waitFor(() => processState(guardian) === undefined, 2000)).toBe(true);
    await waitFor(() => !killTree(child), 1000);
    expect(killTree(child)).toBe(false);
  });

  it('on a child spawned without tree: its descendants while it runs (pidfd walk)', async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    cleanup(marker, onTestFinished);
    const child = spawn('sh', ['-c', `sleep ${marker} & sleep ${marker}; true`], {
      stdio: 'ignore',
    });
    expect(await waitFor(() => liveTree(marker).length === 2, START_BOUND_MS)).toBe(true);
    expect(killTree(child)).toBe(true);
    expect(await once(child, 'exit')).toEqual([null, 'SIGTERM']);
    // Without pidfds only the child itself can be signalled safely (README, "Tree mode").
    const expected = pidfd ? 0 : 2;
    expect(await waitFor(() => liveTree(marker).length === expected, 1000)).toBe(true);
  });

  it("on node:child_process's own child: the same walk", async ({ onTestFinished }) => {
    const marker = uniqueMarker();
    cleanup(marker, onTestFinished);
    const child = nodeChildProcess.spawn('sh', ['-c', `sleep ${marker} & sleep ${marker}; true`], {
      stdio: 'ignore',
    });
    expect(await waitFor(() => liveTree(marker).length === 2, START_BOUND_MS)).toBe(true);
    expect(killTree(child)).toBe(true);
    expect(await once(child, 'exit')).toEqual([null, 'SIGTERM']);
    const expected = pidfd ? 0 : 2;
    expect(await waitFor(() => liveTree(marker).length === expected, 1000)).toBe(true);
  });

  // The first walk outlasts killTree()'s 5 s convergence bound for other signals: the guardian
  // pauses 300 ms before opening each process below its own children (the test knob), while the
  // command starts a `sleep` every 100 ms until the walk ends and signals it. The sleeps started
  // during that walk are handed to the guardian when the command dies; SIGKILL ends them too.
  it("killTree(child, 'SIGKILL') on a tree that outgrows a 5 s walk: nothing is left", async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    cleanup(marker, onTestFinished);
    const { parent, lines, guardian } = await startPausedWalkParent(
      forkerParent,
      [marker],
      300,
      onTestFinished,
    );
    // 20 sleeps: the first walk takes 20 x 300 ms = 6 s.
    expect(await waitFor(() => liveTree(marker).length >= 20, 30_000)).toBe(true);
    parent.stdin.write('killtree\n');
    expect(await waitFor(() => lines.length >= 2, START_BOUND_MS)).toBe(true);
    expect(lines[1]).toEqual({ sent: true });
    const gone = await waitFor(() => processState(guardian) === undefined, 60_000, 50);
    expect(liveTree(marker).filter((pid) => pid !== parent.pid)).toEqual([]);
    expect(gone).toBe(true);
  }, 90_000);
});

/** The guardian is inside the test knob's pause (nanosleep) of a walk. */
function inNanosleep(pid: number): boolean {
  try {
    const nr = Number(
      nodeChildProcess
        .execFileSync('cat', [`/proc/${pid}/syscall`], { encoding: 'utf8' })
        .split(' ')[0],
    );
    return nr === (process.arch === 'arm64' ? 101 : 35);
  } catch {
    return false;
  }
}

// The walk of killTree() and the one kill() makes with killDescendants (the tree default).
describe.each(['killtree', 'kill'])('%s', (action) => {
  // test/fixtures/tree/spawn-at-pid.c: starts a process at a chosen pid (clone3 set_tid, root).
  let spawnAtPid = '';
  let scratch = '';
  beforeAll(() => {
    if (process.getuid?.() !== 0) return;
    scratch = mkdtempSync(join(tmpdir(), 'tethered-at-pid-'));
    spawnAtPid = join(scratch, 'spawn-at-pid');
    nodeChildProcess.execFileSync('cc', ['-O2', '-o', spawnAtPid, spawnAtPidSource], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
  afterAll(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it.runIf(process.getuid?.() === 0)(
    'pid reuse mid-walk: a descendant reaped and its pid given to an unrelated process, which is never signalled',
    async ({ onTestFinished }) => {
      const marker = uniqueMarker();
      const marker2 = uniqueMarker();
      const unrelatedMarker = uniqueMarker();
      onTestFinished(() => {
        for (const m of [marker, marker2, unrelatedMarker]) {
          for (const pid of liveTree(m)) killQuietly(pid);
        }
      });
      const { parent, lines, command, guardian } = await startPausedWalkParent(
        reuseParent,
        [marker, marker2],
        3000,
        onTestFinished,
      );
      const { grandchild } = lines[0] as { grandchild: number };
      expect(parentPid(grandchild)).toBe(command);

      parent.stdin.write(`${action}\n`);
      // The guardian has listed the grandchild and pauses before pidfd_open (the test knob). Without
      // pidfds it never walks below its own children: there is no pause, the rest still holds.
      if (pidfd) expect(await waitFor(() => inNanosleep(guardian), 3000, 2)).toBe(true);
      process.kill(grandchild, 'SIGKILL');
      expect(await waitFor(() => processState(grandchild) === undefined, 2000, 2)).toBe(true);
      // Hand its pid to an unrelated process, not in the tree: `sleep` started at exactly that
      // pid. It is free once reaped; a process elsewhere on the machine could hold it a moment.
      let unrelated = 0;
      const deadline = Date.now() + 1000;
      while (unrelated === 0 && Date.now() < deadline) {
        const started = nodeChildProcess.spawnSync(
          spawnAtPid,
          [String(grandchild), 'sleep', unrelatedMarker],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        if (started.status === 0) unrelated = Number(started.stdout.trim());
      }
      expect(unrelated).toBe(grandchild);
      // ... while the walk was still paused before opening the pid it listed.
      if (pidfd) expect(inNanosleep(guardian)).toBe(true);
      // The walk resumes: it opens the reused pid, sees a parent that is not the command, skips it.
      // The command (the guardian's own child) gets the SIGTERM.
      expect(await waitFor(() => !isAlive(command), 5000)).toBe(true);
      expect(await waitFor(() => !inNanosleep(guardian), 3000)).toBe(true);
      // The process at the reused pid was never signalled: it is still our `sleep`, running.
      expect(isAlive(grandchild)).toBe(true);
      expect(argvOf(grandchild)).toEqual(['sleep', unrelatedMarker]);
      killQuietly(grandchild);
    },
  );
});
