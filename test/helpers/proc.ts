// Observing real processes through /proc, for tests. Zombies count as dead: on these machines
// pid 1 may reap orphans late or never.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Field `index` of /proc/<pid>/stat counted from the state (0), or undefined. */
function statField(pid: number, index: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index];
  } catch {
    return undefined;
  }
}

/** The one-letter state of `pid` ('R', 'S', 'Z', ...), or undefined when it does not exist. */
export function processState(pid: number): string | undefined {
  return statField(pid, 0);
}

/** The parent pid of `pid`, or undefined when it does not exist. */
export function parentPid(pid: number): number | undefined {
  const field = statField(pid, 1);
  return field === undefined ? undefined : Number(field);
}

/** The process group of `pid`, or undefined when it does not exist. */
export function processGroup(pid: number): number | undefined {
  const field = statField(pid, 2);
  return field === undefined ? undefined : Number(field);
}

/**
 * The start time of `pid` (clock ticks after boot, /proc/<pid>/stat field 22; tells it apart from a
 * later process with the same pid), or undefined.
 */
export function startTime(pid: number): string | undefined {
  return statField(pid, 19);
}

/**
 * The start time of each pid a test recorded with {@link watch}. pid_max is 32768 here and a suite
 * run starts far more processes, so a pid that died may already belong to another test's process:
 * {@link isAlive} reports it dead and {@link killQuietly} spares it.
 */
const watchedStart = new Map<number, string>();

/**
 * Records now which process `pid` is, so that {@link killQuietly} later signals only that process;
 * returns `pid`. A pid that does not exist any more is recorded as gone and is never signalled.
 */
export function watch(pid: number): number {
  watchedStart.set(pid, startTime(pid) ?? 'gone');
  return pid;
}

/**
 * True while `pid` exists and is not a zombie; for a pid recorded by {@link watch}, only while it
 * is still that process (a reused pid is not the process the test started).
 */
export function isAlive(pid: number): boolean {
  const state = processState(pid);
  if (state === undefined || state === 'Z' || state === 'X') return false;
  const watched = watchedStart.get(pid);
  return watched === undefined || startTime(pid) === watched;
}

/**
 * One line about `pid` for a failure message: state, parent, command name and the kernel function
 * it waits in, read from /proc ("gone" when it does not exist).
 */
export function describeProcess(pid: number): string {
  const read = (file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8').trim();
    } catch {
      return '?';
    }
  };
  const state = processState(pid);
  if (state === undefined) return `${pid} gone`;
  return `${pid} state ${state} ppid ${parentPid(pid)} comm ${read('comm')} wchan ${read('wchan')}`;
}

/** A field of /proc/<pid>/status (e.g. 'SigBlk'), or undefined. */
export function statusField(pid: number, field: string): string | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1];
  } catch {
    return undefined;
  }
}

/** Pids whose parent is `ppid`, optionally only those in state `state`. */
export function childrenOf(ppid: number, state?: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (parentPid(pid) === ppid && (state === undefined || processState(pid) === state)) {
      out.push(pid);
    }
  }
  return out;
}

/**
 * How long a test waits for processes it started to be running (a parent's first line, a whole
 * tree): a bound that a passing run never reaches, not a figure. Under a fully loaded suite,
 * starting node, a Worker and a shell has taken over 10 s.
 */
export const START_BOUND_MS = 45_000;

/** Polls `predicate` every `intervalMs` until it holds; false if `timeoutMs` passes first. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs: number,
  intervalMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `pid` is dead (gone or zombie); false on timeout. */
export function waitForDeath(pid: number, timeoutMs: number): Promise<boolean> {
  return waitFor(() => !isAlive(pid), timeoutMs);
}

/**
 * Sends `signal` (SIGKILL) to a process of the test if it is still that process; never throws.
 * - A ChildProcess: only until Node has reported its exit (until it is reaped its pid stays ours).
 * - A pid recorded by {@link watch}: only while its start time is the recorded one.
 * - Any other pid as it is now: pass only a pid read from /proc just before (e.g. a liveTree()).
 */
export function killQuietly(
  target: number | ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
): void {
  if (typeof target === 'object') {
    if (target.exitCode !== null || target.signalCode !== null) return;
    target = target.pid;
  }
  if (target === undefined) return;
  const watched = watchedStart.get(target);
  if (watched !== undefined && startTime(target) !== watched) return;
  try {
    process.kill(target, signal);
  } catch {
    // already gone
  }
}
