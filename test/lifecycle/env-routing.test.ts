// Spawning concurrently from 8 Workers and the main thread, every exit is delivered to
// the environment that spawned the child, with that child's own output and exit code.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import * as tethered from '../../lib/index.js';
import { routingRound, type RoutedChild } from '../fixtures/lifecycle/routing.mjs';

const WORKER = new URL('../fixtures/lifecycle/spawn-worker.mjs', import.meta.url);
const WORKERS = 8;
const CHILDREN_PER_ENV = 30;

/** What each child of environment `env` must have reported. */
function expected(env: number): Pick<RoutedChild, 'tag' | 'exitCode' | 'out'>[] {
  return Array.from({ length: CHILDREN_PER_ENV }, (_, i) => ({
    tag: `env${env}-child${i}`,
    exitCode: (env * 37 + i * 11) % 256,
    out: `env${env}-child${i}`,
  }));
}

function comparable(results: RoutedChild[]): Pick<RoutedChild, 'tag' | 'exitCode' | 'out'>[] {
  return results
    .map(({ tag, exitCode, out }) => ({ tag, exitCode, out }))
    .sort((a, b) => a.tag.localeCompare(b.tag, 'en', { numeric: true }));
}

it('8 Workers and the main thread spawn at once: each exit reaches the environment that spawned the child', async () => {
  const workers = Array.from(
    { length: WORKERS },
    (_, i) =>
      new Worker(WORKER, { workerData: { mode: 'routing', env: i + 1, count: CHILDREN_PER_ENV } }),
  );
  const fromWorkers = workers.map(async (worker) => {
    const exited = once(worker, 'exit');
    const [message] = (await once(worker, 'message')) as [{ results: RoutedChild[] }];
    expect(((await exited) as [number])[0]).toBe(0);
    return message.results;
  });
  const fromMain = routingRound(tethered, 0, CHILDREN_PER_ENV);

  const all = await Promise.all([fromMain, ...fromWorkers]);
  all.forEach((results, env) => {
    expect(comparable(results)).toEqual(expected(env));
  });
  // Every child was a distinct process.
  const pids = all.flat().map((child) => child.pid);
  expect(new Set(pids).size).toBe((WORKERS + 1) * CHILDREN_PER_ENV);
});
