// The demo's victim: a Node process that spawns `sleep` children with node:child_process and
// with tethered, from its main thread and from a Worker that then exits. It prints the pids as one
// JSON line on stdout and waits to be killed.
import * as childProcess from 'node:child_process';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { spawn } from '../lib/index.js';

const SLEEP_SECONDS = '60'; // a safety net: every child ends by itself within a minute

/** One `sleep` from node:child_process and one from tethered, spawned from the calling thread. */
function spawnPair() {
  const options = /** @type {const} */ ({ stdio: 'ignore' });
  const node = childProcess.spawn('sleep', [SLEEP_SECONDS], options);
  const tethered = spawn('sleep', [SLEEP_SECONDS], options);
  // Neither child may keep this thread's event loop alive: the Worker must be able to exit.
  node.unref();
  tethered.unref();
  return { node: node.pid, tethered: tethered.pid };
}

if (isMainThread) {
  const main = spawnPair();
  const worker = new Worker(new URL(import.meta.url));
  /** @type {{ node: number | undefined, tethered: number | undefined } | undefined} */
  let fromWorker;
  worker.on('message', (/** @type {unknown} */ pids) => {
    fromWorker = /** @type {typeof fromWorker} */ (pids);
  });
  worker.on('exit', () => {
    process.stdout.write(`${JSON.stringify({ main, worker: fromWorker })}\n`);
  });
  // Stay alive until the demo kills this process.
  setInterval(() => undefined, 1 << 30);
} else {
  parentPort?.postMessage(spawnPair());
  // Returning ends the Worker: its thread exits, and with it the thread that spawned its children.
}
