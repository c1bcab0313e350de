// The seed regression: HyperQueue's tasks got SIGTERM ~10 s in because the thread that forked them
// exited (PR_SET_PDEATHSIG fires when the forking thread ends, not the process). A tethered child's
// parent thread must be the spawner thread, which never exits, whichever thread called spawn():
// the kernel lists a child under the thread that forked it (/proc/<pid>/task/<tid>/children).
import * as nodeChildProcess from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { spawn } from '../lib/index.js';
import { killQuietly } from './helpers/proc.js';

/** The name (comm) of the thread of this process that forked `pid`, or undefined. */
function forkingThread(pid: number): string | undefined {
  for (const tid of readdirSync('/proc/self/task')) {
    const children = readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ');
    if (children.includes(String(pid))) {
      return tid === String(process.pid)
        ? 'main thread'
        : readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    }
  }
  return undefined;
}

it("a tethered child's parent thread is the spawner thread; a node:child_process child's is the caller's", () => {
  const tethered = spawn('sleep', ['30'], { stdio: 'ignore' });
  const control = nodeChildProcess.spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    expect({
      tethered: forkingThread(tethered.pid ?? -1),
      control: forkingThread(control.pid ?? -1),
    }).toEqual({ tethered: 'tethered-spawn', control: 'main thread' });
  } finally {
    killQuietly(tethered);
    killQuietly(control);
  }
});

it('a child spawned from a Worker has the spawner thread as its parent thread too', async () => {
  const worker = new Worker(
    `const { spawn } = await import(${JSON.stringify(new URL('../lib/index.js', import.meta.url).href)});
     const { parentPort } = await import('node:worker_threads');
     const child = spawn('sleep', ['30'], { stdio: 'ignore' });
     child.unref();
     parentPort.postMessage(child.pid);`,
    { eval: true },
  );
  const [pid] = (await once(worker, 'message')) as [number];
  try {
    expect(forkingThread(pid)).toBe('tethered-spawn');
  } finally {
    killQuietly(pid);
    await worker.terminate();
  }
});
