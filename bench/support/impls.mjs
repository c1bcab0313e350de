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
