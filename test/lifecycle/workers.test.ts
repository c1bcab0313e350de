// Workers and teardown: children spawned from Workers outlive their Worker (however it
// ends), stay tethered to the process through the one spawner thread, and are reaped by the
// process-wide reaper when they exit, with no environment left to tell.
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  describeProcess,
  isAlive,
  killQuietly,
  watch,
  parentPid,
  processState,
  waitFor,
} from '../helpers/proc.js';
import { childrenOfThread, spawnerThreadId } from '../helpers/proc-counts.js';

const WORKER = new URL('../fixtures/lifecycle/spawn-worker.mjs', import.meta.url);
const PDEATHSIG_PY = fileURLToPath(new URL('../fixtures/pdeathsig.py', import.meta.url));
const SIGTERM = 15;

/** A set of pids killed (by pid) when the test ends; pass the test context's onTestFinished. */
function trackPids(onTestFinished: (fn: () => void) => void): Set<number> {
  const started = new Set<number>();
  onTestFinished(() => {
    for (const pid of started) killQuietly(pid);
  });
  return started;
}

interface PidsMessage {
  pids: number[];
}

function startWorker(workerData: unknown): Worker {
  return new Worker(WORKER, { workerData });
}

/** True once no pid in `pids` is this process's child any more (reaped: not even a zombie). */
function allReaped(pids: number[]): boolean {
  return pids.every((pid) => parentPid(pid) !== process.pid);
}

/** Our children among `pids` that are zombies. */
function zombies(pids: number[]): number[] {
  return pids.filter((pid) => parentPid(pid) === process.pid && processState(pid) === 'Z');
}

describe.concurrent('children of Workers', () => {
  it('57 Workers each spawn `sleep 3600` and exit: 12 s later all 57 children live, and once they end none is left a zombie', async ({
    onTestFinished,
  }) => {
    const started = trackPids(onTestFinished);
    const workers = Array.from({ length: 57 }, () =>
      startWorker({ mode: 'natural', children: [{ command: 'sleep', args: ['3600'] }] }),
    );
    const exits = workers.map(async (worker) => (await once(worker, 'exit'))[0] as number);
    const pids = await Promise.all(
      workers.map(async (worker) => {
        const [message] = (await once(worker, 'message')) as [PidsMessage];
        const [pid] = message.pids;
        if (pid === undefined) throw new Error('the Worker reported no pid');
        started.add(watch(pid));
        return pid;
      }),
    );
    expect(await Promise.all(exits)).toEqual(Array(57).fill(0));

    const someDied = await waitFor(() => pids.some((pid) => !isAlive(pid)), 12_000, 250);
    expect(pids.filter((pid) => !isAlive(pid))).toEqual([]);
    expect(someDied).toBe(false);

    // The children sleep for an hour: on a loaded machine 57 Worker start-ups can take longer than
    // a short sleep, which would end the first children on its own. End them here (they are alive,
    // unreaped children of this process: their pids cannot have been reused); the reaper (not any
    // Worker) reaps them.
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)), 20_000, 100)).toBe(true);
    await waitFor(() => allReaped(pids), 5000);
    expect(zombies(pids)).toEqual([]);
    expect(allReaped(pids)).toBe(true);
  }, 90_000);

  it('a Worker that calls process.exit() while its children run: they keep running, tethered to the spawner thread, and are reaped when they exit', async ({
    onTestFinished,
  }) => {
    const started = trackPids(onTestFinished);
    const worker = startWorker({
      mode: 'exit',
      children: [0, 1, 2].map(() => ({
        command: 'sleep',
        args: ['3600'],
        options: { stdio: 'pipe' },
      })),
    });
    const exited = once(worker, 'exit');
    const [{ pids }] = (await once(worker, 'message')) as [PidsMessage];
    for (const pid of pids) started.add(watch(pid));
    expect(((await exited) as [number])[0]).toBe(0);

    expect(pids.map(isAlive)).toEqual([true, true, true]);
    const spawner = spawnerThreadId();
    expect(spawner).toBeDefined();
    expect(childrenOfThread('self', spawner ?? -1)).toEqual(expect.arrayContaining(pids));

    for (const pid of pids) process.kill(pid, 'SIGTERM');
    await waitFor(() => allReaped(pids), 5000);
    expect(zombies(pids)).toEqual([]);
    expect(allReaped(pids)).toBe(true);
  });

  it('200 spawns from Workers that exit as soon as spawn() returns: every child is alive and armed with SIGTERM, a child of the spawner thread', async ({
    onTestFinished,
  }) => {
    const started = trackPids(onTestFinished);
    const total = 200;
    const batch = 50;
    const dir = mkdtempSync(join(tmpdir(), 'tethered-p2-'));
    const pids = new Int32Array(new SharedArrayBuffer(4 * total));
    try {
      for (let first = 0; first < total; first += batch) {
        const slots = Array.from({ length: batch }, (_, i) => first + i);
        const outFiles = slots.map((slot) => join(dir, `child-${slot}`));
        const outFds = outFiles.map((file) => openSync(file, 'w'));
        try {
          const exits = slots.map(async (slot, i) => {
            const worker = startWorker({
              mode: 'immediate',
              slot,
              pids,
              child: {
                command: 'python3',
                args: [PDEATHSIG_PY, '3600'],
                options: { stdio: ['ignore', outFds[i], 'ignore'] },
              },
            });
            return ((await once(worker, 'exit')) as [number])[0];
          });
          expect(await Promise.all(exits)).toEqual(Array(batch).fill(0));
          const batchPids = slots.map((slot) => Atomics.load(pids, slot));
          for (const pid of batchPids) started.add(watch(pid));
          expect(batchPids.filter((pid) => pid <= 0)).toEqual([]);

          // Each child prints its PR_GET_PDEATHSIG once it runs, after its Worker is gone. A child
          // that has not printed by the deadline is described from /proc.
          const output = (file: string): string => readFileSync(file, 'utf8');
          await waitFor(() => outFiles.every((file) => output(file).endsWith('\n')), 60_000, 20);
          const silent = outFiles.flatMap((file, i) =>
            output(file).endsWith('\n')
              ? []
              : [`${describeProcess(batchPids[i] ?? -1)} wrote ${JSON.stringify(output(file))}`],
          );
          expect(silent).toEqual([]);
          expect(outFiles.map((file) => Number(output(file).trim()))).toEqual(
            Array(batch).fill(SIGTERM),
          );
          expect(batchPids.filter((pid) => !isAlive(pid))).toEqual([]);
          const spawner = spawnerThreadId();
          const spawnerChildren = new Set(childrenOfThread('self', spawner ?? -1));
          expect(batchPids.filter((pid) => !spawnerChildren.has(pid))).toEqual([]);

          for (const pid of batchPids) killQuietly(pid);
          expect(await waitFor(() => allReaped(batchPids), 10_000)).toBe(true);
        } finally {
          for (const fd of outFds) closeSync(fd);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
