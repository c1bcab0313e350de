// The spawn implementations compared, and a registry of live children so that every child a
// bench process started is killed (by pid) whatever happens.
import * as childProcess from 'node:child_process';
import * as tethered from '../../lib/index.js';

/** @typedef {{ key: string, label: string, async: boolean, start: Function }} Impl */

/** @type {Impl[]} */
export const IMPLS = [
  { key: 'node', label: 'node:child_process spawn', async: false, start: childProcess.spawn },
  { key: 'tethered', label: 'tethered spawn', async: false, start: tethered.spawn },
  { key: 'async', label: 'tethered spawnAsync', async: true, start: tethered.spawnAsync },
];

/** Tree mode (a guardian per child), measured in the sequential sections (1) and (3). */
export const TREE_IMPL = {
  key: 'tree',
  label: 'tethered spawn, tree: true',
  async: false,
  start: (command, args, options) => tethered.spawn(command, args, { ...options, tree: true }),
};

/** The RSS (KiB) of one live guardian, read from /proc while it guards a `sleep`. */
export async function guardianRssKiB() {
  const child = tethered.spawn('sleep', ['30'], { tree: true, stdio: 'ignore' });
  const { readFileSync } = await import('node:fs');
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const guardian = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  await new Promise((resolve) => setTimeout(resolve, 50)); // let it settle into its loop
  const status = readFileSync(`/proc/${guardian}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('close', resolve));
  return rss;
}

/** The synchronous functions compared in section (7). */
export const SYNC_IMPLS = [
  { key: 'node', label: 'node:child_process', api: childProcess },
  { key: 'tethered', label: 'tethered', api: tethered },
];

const live = new Set();

/** Tracks `child` until it closes. */
export function track(child) {
  live.add(child);
  child.once('close', () => live.delete(child));
  return child;
}

/** SIGKILLs every tracked child, by pid. */
export function killAll() {
  for (const child of live) {
    if (child.pid === undefined) continue;
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Facts from the addon: whether tethered really runs natively (not the fallback). */
export function tetheredFacts() {
  return tethered.capabilities();
}
