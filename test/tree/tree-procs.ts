// Finding a test's process tree in /proc by its marker (a unique sleep duration in every argv).
import { readdirSync, readFileSync } from 'node:fs';
import { processState } from '../helpers/proc.js';

/** A marker no other test (or other run) uses: a sleep duration such as '4000.123456'. */
export function uniqueMarker(): string {
  return `${4000 + Math.floor(Math.random() * 1000)}.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}

/** The argv of `pid`, or undefined once it is gone. */
export function argvOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}

/** Pids (zombies included) whose argv contains `marker`, with their state. */
export function marked(marker: string): { pid: number; state: string; argv: string[] }[] {
  const out: { pid: number; state: string; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = argvOf(pid);
    const state = processState(pid);
    if (state === undefined) continue;
    // A zombie's cmdline is empty: it is found by its parent below, never lost.
    if (argv?.includes(marker) === true) out.push({ pid, state, argv });
  }
  return out;
}

/** Live (non-zombie) processes of the tree, the guardian left out. */
export function liveTree(marker: string): number[] {
  return marked(marker)
    .filter((p) => p.state !== 'Z' && p.argv[0] !== 'tethered-guardian')
    .map((p) => p.pid);
}

/** tree.sh is complete: six sleeps and the node leaf of the npx-like chain. */
export function treeComplete(marker: string): boolean {
  const procs = marked(marker).filter((p) => p.state !== 'Z');
  const sleeps = procs.filter((p) => p.argv[0] === 'sleep').length;
  const leaf = procs.some((p) => p.argv[0] === 'node' && p.argv[1] === '-e');
  return sleeps === 6 && leaf;
}
