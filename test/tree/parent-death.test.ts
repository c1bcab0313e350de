// Tree mode's promise: when the parent dies (SIGKILL, process.exit, uncaught exception), no
// descendant survives, at any depth, whatever it did to leave its parent (tree.sh), within the
// grace period + 1 s, and the guardian reaped them all. The same tree in default mode keeps its
// grandchildren: the control that shows the check can see survivors.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { killQuietly, processState, START_BOUND_MS, waitFor } from '../helpers/proc.js';
import { liveTree, marked, treeComplete, uniqueMarker } from './tree-procs.js';

const GRACE_MS = 500;
const parentScript = new URL('../fixtures/tree/parent.mjs', import.meta.url).pathname;

interface Started {
  parent: ReturnType<typeof spawn>;
  child: number;
  marker: string;
}

async function startTree(
  options: Record<string, unknown>,
  onTestFinished: (fn: () => void) => void,
  env: NodeJS.ProcessEnv = {},
): Promise<Started> {
  const marker = uniqueMarker();
  const parent = spawn(process.execPath, [parentScript, JSON.stringify({ marker, options })], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, ...env },
  });
  onTestFinished(() => {
    killQuietly(parent);
    for (const pid of liveTree(marker)) killQuietly(pid);
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out);
    });
    parent.on('exit', () => {
      reject(new Error(`fixture parent exited early: ${out}`));
    });
  });
  const { pid } = JSON.parse(line) as { pid: number };
  expect(await waitFor(() => treeComplete(marker), START_BOUND_MS)).toBe(true);
  return { parent, child: pid, marker };
}

function kill(started: Started, how: string): void {
  if (how === 'SIGKILL') {
    started.parent.kill('SIGKILL');
  } else {
    started.parent.stdin?.write(`${how}\n`);
  }
}

describe.concurrent('tree: true', () => {
  for (const how of ['SIGKILL', 'exit', 'throw']) {
    it(`parent ends by ${how}: every descendant is gone within grace + 1 s, none left as a zombie`, async ({
      onTestFinished,
    }) => {
      const started = await startTree({ tree: true, treeGraceMs: GRACE_MS }, onTestFinished);
      const tree = marked(started.marker).filter((p) => p.argv[0] !== 'tethered-guardian');
      expect(tree.length).toBeGreaterThanOrEqual(10);
      kill(started, how);
      const gone = await waitFor(() => liveTree(started.marker).length === 0, GRACE_MS + 1000);
      expect(liveTree(started.marker)).toEqual([]);
      expect(gone).toBe(true);
      // Reaped, not merely dead: the guardian waited for every process it adopted.
      const reaped = await waitFor(
        () => tree.every((p) => processState(p.pid) === undefined),
        1000,
      );
      expect(tree.filter((p) => processState(p.pid) !== undefined)).toEqual([]);
      expect(reaped).toBe(true);
    });
  }

  it('without /proc/<pid>/task/*/children (TETHERED_TEST_SCAN_PROC=1: children found by scanning /proc): parent SIGKILLed, every descendant gone', async ({
    onTestFinished,
  }) => {
    const started = await startTree({ tree: true, treeGraceMs: GRACE_MS }, onTestFinished, {
      TETHERED_TEST_SCAN_PROC: '1',
    });
    kill(started, 'SIGKILL');
    expect(await waitFor(() => liveTree(started.marker).length === 0, GRACE_MS + 1000)).toBe(true);
  });

  it('detached: true, parent SIGKILLed: the detached tree dies too', async ({ onTestFinished }) => {
    const started = await startTree(
      { tree: true, detached: true, treeGraceMs: GRACE_MS },
      onTestFinished,
    );
    kill(started, 'SIGKILL');
    expect(await waitFor(() => liveTree(started.marker).length === 0, GRACE_MS + 1000)).toBe(true);
  });

  it('the command itself is child.pid, its parent the guardian', async ({ onTestFinished }) => {
    const started = await startTree({ tree: true, treeGraceMs: GRACE_MS }, onTestFinished);
    const command = marked(started.marker).find((p) => p.pid === started.child);
    expect(command?.argv.slice(0, 1)).toEqual(['sh']);
    const guardian = marked(started.marker).find((p) => p.argv[0] === 'tethered-guardian');
    expect(guardian).toBeDefined();
    kill(started, 'SIGKILL');
  });
});

describe.concurrent('control: default mode', () => {
  it('parent SIGKILLed: the command dies, its grandchildren survive', async ({
    onTestFinished,
  }) => {
    const started = await startTree({}, onTestFinished);
    kill(started, 'SIGKILL');
    expect(await waitFor(() => processState(started.child) !== 'S', 2000)).toBe(true);
    // Give the tether the same time the tree mode had, then count.
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1000));
    const survivors = liveTree(started.marker);
    expect(survivors.length).toBeGreaterThanOrEqual(6);
    for (const pid of survivors) killQuietly(pid);
  });
});
