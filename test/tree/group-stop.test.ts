// Tree mode against signals aimed at more than one process: a SIGKILL to the parent's whole
// process group (as `timeout -s KILL`, `kill -9 -<pgid>` or a shell's `kill -9 %1` send), and a
// descendant that stops the guardian before the parent dies. The command stays in the parent's
// process group as Node puts it; the guardian has a group of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  killQuietly,
  parentPid,
  processGroup,
  processState,
  START_BOUND_MS,
  waitFor,
  watch,
} from '../helpers/proc.js';
import { buildSwarm, startParent } from './swarm.js';
import { liveTree, marked, treeComplete, uniqueMarker } from './tree-procs.js';

const GRACE_MS = 500;
// How long a tree may take to empty: a bound, not a figure (a passing run never reaches it; the
// console line gives the time).
const EMPTY_DEADLINE_MS = 30_000;
const treeScript = fileURLToPath(new URL('../fixtures/tree/tree.sh', import.meta.url));
const parentScript = fileURLToPath(new URL('../fixtures/tree/spawn-parent.mjs', import.meta.url));
const scratch = buildSwarm();
afterAll(() => {
  scratch.remove();
});

function cleanup(
  marker: string,
  onTestFinished: (fn: () => void) => void,
  more: (number | ChildProcess)[],
): void {
  onTestFinished(() => {
    for (const pid of more) killQuietly(pid);
    for (const p of marked(marker)) {
      killQuietly(p.pid, 'SIGCONT');
      killQuietly(p.pid);
    }
  });
}

describe.concurrent('tree mode and process groups', () => {
  it("SIGKILL to the parent's process group (parent leads it; a setsid daemon in the tree): every descendant is gone", async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    const { parent, pid } = await startParent(
      {
        file: 'sh',
        args: [treeScript, marker],
        options: { tree: true, treeGraceMs: GRACE_MS, stdio: 'ignore' },
      },
      { detached: true },
    );
    cleanup(marker, onTestFinished, [parent]);
    expect(await waitFor(() => treeComplete(marker), START_BOUND_MS)).toBe(true);
    const guardian = parentPid(pid) ?? 0;
    const groups = { command: processGroup(pid), guardian: processGroup(guardian) };
    process.kill(-(parent.pid ?? 0), 'SIGKILL');
    const killedAt = Date.now();
    const gone = await waitFor(() => liveTree(marker).length === 0, EMPTY_DEADLINE_MS);
    console.log(
      `group SIGKILL: ${String(liveTree(marker).length)} survivors, empty after ${String(Date.now() - killedAt)} ms`,
    );
    expect(liveTree(marker)).toEqual([]);
    expect(gone).toBe(true);
    // The command where Node puts it; the guardian in a group of its own.
    expect(groups).toEqual({ command: parent.pid, guardian });
  });

  it('a descendant stops the guardian, then the parent (not leading its group) is SIGKILLed: the guardian is resumed and ends the tree', async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    const log = join(scratch.dir, `${marker}.log`);
    // The parent's group outlives it (its leader, whose parent is in another group of the
    // session, stays), so only the guardian's own group is orphaned by the parent's death.
    // The command stops its guardian only once the test has the command's pid: the guardian
    // reports the start after the command's exec, and a stop before that report would hold the
    // fixture's spawn() (README, "Tree mode").
    const go = join(scratch.dir, `${marker}.go`);
    const script = [
      `sleep ${marker} &`,
      `while [ ! -e ${go} ]; do sleep 0.01; done`,
      'kill -STOP $PPID',
      `trap 'echo term >> ${log}; exit 0' TERM`,
      `sleep ${marker} & wait`,
    ].join('\n');
    const spec = {
      file: 'sh',
      args: ['-c', script, marker],
      options: { tree: true, treeGraceMs: GRACE_MS, stdio: 'ignore' },
    };
    const holdGroup =
      'import os, signal, subprocess, sys; os.setpgid(0, 0); subprocess.call(sys.argv[1:]); signal.pause()';
    const session = spawn(
      'setsid',
      [
        'sh',
        '-c',
        '"$@"; :',
        'sh',
        'python3',
        '-c',
        holdGroup,
        process.execPath,
        parentScript,
        JSON.stringify(spec),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      session.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve((JSON.parse(out) as { pid: number }).pid);
      });
      session.on('exit', () => {
        reject(new Error(`session ended early: ${out}`));
      });
    });
    const node = parentPid(parentPid(pid) ?? 0) ?? 0;
    const holder = parentPid(node) ?? 0;
    cleanup(marker, onTestFinished, [session, watch(holder), watch(node)]);
    const guardian = parentPid(pid) ?? 0;
    expect(processGroup(node)).toBe(holder);
    writeFileSync(go, '');
    expect(
      await waitFor(
        () => processState(guardian) === 'T' && liveTree(marker).length === 3, // sh + 2 sleeps
        10_000,
      ),
    ).toBe(true);
    process.kill(node, 'SIGKILL');
    const killedAt = Date.now();
    const gone = await waitFor(() => liveTree(marker).length === 0, EMPTY_DEADLINE_MS);
    console.log(
      `stopped guardian: ${String(liveTree(marker).length)} survivors, empty after ${String(Date.now() - killedAt)} ms`,
    );
    expect(liveTree(marker)).toEqual([]);
    expect(gone).toBe(true);
    // The tree got its death signal: the guardian survived the SIGHUP that came with SIGCONT.
    expect(readFileSync(log, 'utf8')).toBe('term\n');
  });
});
