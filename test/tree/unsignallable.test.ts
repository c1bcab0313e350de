// A descendant the guardian may not signal: a set-uid-root program that becomes root for real
// while Node runs as an ordinary user. It survives the parent's death (documented), everything
// else of the tree dies, and the guardian waits for it without walking the tree in a loop. Needs
// root to install the set-uid program, as set-uid programs are installed.
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { isRoot, NOBODY, stageForNobody } from '../helpers/as-nobody.js';
import {
  killQuietly,
  parentPid,
  processState,
  statusField,
  START_BOUND_MS,
  waitFor,
} from '../helpers/proc.js';
import { buildSwarm, PARENT_SCRIPT, startParent } from './swarm.js';
import { liveTree, marked, uniqueMarker } from './tree-procs.js';

const GRACE_MS = 300;
const swarm = buildSwarm();
afterAll(() => {
  swarm.remove();
});

/** How often `pid` has gone to sleep and woken up (voluntary context switches). */
function wakeups(pid: number): number {
  return Number(statusField(pid, 'voluntary_ctxt_switches'));
}

const PPOLL = process.arch === 'arm64' ? 73 : 271;

/** True while `pid` sleeps in ppoll() without a timeout (/proc/<pid>/syscall: nr, then args). */
function waitsWithoutTimeout(pid: number): boolean {
  try {
    const fields = readFileSync(`/proc/${String(pid)}/syscall`, 'utf8')
      .trim()
      .split(' ');
    return Number(fields[0]) === PPOLL && fields[3] === '0x0';
  } catch {
    return false;
  }
}

// Only root can install a set-uid-root program (sync parity scenarios do the same for uid tests).
if (isRoot) {
  it('a set-uid-root descendant survives the parent (Node as nobody); the rest of the tree dies and the guardian waits without looping', async ({
    onTestFinished,
  }) => {
    const staged = stageForNobody(onTestFinished, 'faults.mjs');
    const stage = join(staged.script, '../../../..');
    const script = join(stage, 'test/fixtures/tree/spawn-parent.mjs');
    mkdirSync(join(script, '..'), { mode: 0o755 });
    copyFileSync(PARENT_SCRIPT, script);
    chmodSync(script, 0o644);
    const suid = join(stage, 'suid-swarm');
    copyFileSync(swarm.bin, suid);
    chownSync(suid, 0, 0);
    chmodSync(suid, 0o4755);
    const marker = uniqueMarker();
    const { parent, pid } = await startParent(
      {
        file: 'sh',
        args: ['-c', `${suid} root ${marker} & sleep ${marker} & wait`, marker],
        options: { tree: true, treeGraceMs: GRACE_MS, stdio: 'ignore' },
      },
      { wrapper: NOBODY, node: staged.node, script },
    );
    onTestFinished(() => {
      killQuietly(parent);
      for (const p of marked(marker)) killQuietly(p.pid);
    });
    const guardian = parentPid(pid) ?? 0;
    const rootOwned = (): number[] =>
      liveTree(marker).filter((p) => statusField(p, 'Uid')?.split(/\s+/)[0] === '0');
    expect(
      await waitFor(
        () => rootOwned().length === 1 && liveTree(marker).length === 3,
        START_BOUND_MS,
      ),
    ).toBe(true);
    const [survivor] = rootOwned();
    parent.kill('SIGKILL');
    // Everything the guardian may signal dies; the set-uid process is handed to it.
    expect(
      await waitFor(
        () => liveTree(marker).length === 1 && parentPid(survivor ?? 0) === guardian,
        GRACE_MS + 5000,
      ),
    ).toBe(true);
    expect(liveTree(marker)).toEqual([survivor]);
    // Then the guardian sleeps until a child of its own exits: no walks while nothing happens.
    expect(await waitFor(() => waitsWithoutTimeout(guardian), 5000)).toBe(true);
    const before = wakeups(guardian);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const during = wakeups(guardian) - before;
    console.log(
      `guardian wakeups in 1 s with only a process it may not signal left: ${String(during)}`,
    );
    expect(during).toBe(0);
    // When that process exits, the guardian reaps it and exits too.
    killQuietly(survivor);
    expect(await waitFor(() => processState(guardian) === undefined, 5000)).toBe(true);
  });
}
