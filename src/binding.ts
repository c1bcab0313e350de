// Loads the native addon once per environment and describes its raw, flat surface.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { warnOnce } from './errors.js';

/**
 * The launch both spawn() and spawnSync() start with, at the same positions: uid and gid are
 * undefined when not set; tree mode's grace period is ignored without `tree`.
 */
export type LaunchArgs = [
  file: string,
  args: string[],
  envPairs: string[],
  cwd: string | undefined,
  fds: Int32Array,
  detached: boolean,
  uid: number | undefined,
  gid: number | undefined,
  deathSignal: number,
  tree: boolean,
  treeGraceMs: number,
];

/** Event kinds the addon delivers to the callback given to `init`. */
export const EVENT_EXIT = 0;
export const EVENT_SPAWNED = 1;

export interface NativeFacts {
  /** The spawner thread runs (children are then created with clone(CLONE_VM | CLONE_VFORK)). */
  started: boolean;
  pidfd: boolean;
  /** Exits are polled by pid because TETHERED_NO_PIDFD=1 says so. */
  pidfdForcedOff?: true;
  /** ...or because pidfd_open failed with this -errno (-ENOSYS: Linux < 5.3; -EPERM: seccomp). */
  pidfdOpenError?: number;
  /** -errno of the last failed attempt to start the spawner thread (only while not started). */
  startError?: number;
}

/**
 * Whether tree mode's guardian can run here, as codes (worded by src/tree-support.ts): `ok`; how
 * far the copy embedded in the addon got (`TREE_MEMFD_*`) and its -errno; the file fallback's path
 * ('' when unknown) and the -errno of running it (0 when it ran or was not tried). -ENOSYS from
 * running the guardian: it ran, but the kernel refused PR_SET_CHILD_SUBREAPER.
 */
export type NativeTreeSupport = [
  ok: boolean,
  memfdStep: number,
  memfdError: number,
  filePath: string,
  fileError: number,
];
export const TREE_MEMFD_DISABLED = 1;
export const TREE_MEMFD_CREATE = 2;
export const TREE_MEMFD_EXEC = 3;
export const TREE_NO_THREAD = 4;

/**
 * The addon's functions. Failures are returned as negative errno values. An argument of the wrong
 * type is a bug in src/ and throws a TypeError (code ERR_INVALID_ARG_TYPE).
 */
export interface NativeBinding {
  init(onEvent: (kind: number, id: number, a: number, b: number, c: number) => void): number;
  socketpair(bufferSize: number): [number, number] | number;
  closeFd(fd: number): number;
  /**
   * Starts one child: synchronously (asyncToken 0: `[pid, childId]` or -errno) or queued (0 or
   * -errno now, then an EVENT_SPAWNED). Owns the `closeAfter` fds from the call on.
   */
  spawn(
    ...args: [...LaunchArgs, closeAfter: Int32Array, asyncToken: number]
  ): [pid: number, childId: number] | number;
  /**
   * Runs one child synchronously (spawnSync): launched by the spawner thread, waited for on this
   * thread. `pipes[i]` is -1 when slot i is not a pipe (the child gets `fds[i]`, -1 for
   * 'ignore'), else 1 (child reads) | 2 (child writes); `inputs[i]` the bytes for a readable pipe.
   * Returns `[error, pid, exitStatus, termSignal, ...output]`, or -errno for unreadable arguments.
   */
  spawnSync(
    ...args: [
      ...LaunchArgs,
      pipes: Int32Array,
      inputs: (Uint8Array | undefined)[],
      timeoutMs: number,
      maxBuffer: number,
      killSignal: number,
      pipeBufferSize: number,
      killDescendants: boolean,
    ]
  ): [number, number, number, number, ...(Buffer | null)[]] | number;
  /**
   * `pipes[i].open(fds[i])` for each socketpair parent end; an fd no Pipe took is closed. Until
   * then, environment teardown closes it.
   */
  openPipes(pipes: unknown[], fds: Int32Array): void;
  /**
   * Signals child `childId` (0 or -errno, about the child alone); with `withDescendants`, every
   * live descendant too (by its guardian for a tree child, else by a pidfd-verified walk).
   */
  kill(childId: number, signal: number, withDescendants: boolean): number;
  /**
   * Signals child `childId` and its descendants: through its guardian for a tree child (SIGKILL
   * after `graceMs` unless it is < 0), else by a pidfd-verified walk from here. `childId` 0: the
   * child `pid`, which this addon did not start and the caller knows is unreaped. 0 or -errno.
   */
  killTree(childId: number, signal: number, graceMs: number, pid?: number): number;
  /** See {@link NativeTreeSupport}; runs the guardian once, on the first call. */
  treeSupport(): NativeTreeSupport;
  setKeepAlive(on: boolean): void;
  facts(): NativeFacts;
}

export type BindingState =
  | { readonly binding: NativeBinding; readonly reason?: undefined; readonly expected?: undefined }
  | {
      readonly binding?: undefined;
      readonly reason: string;
      /**
       * The fallback is documented behaviour here (not Linux, or TETHERED_FORCE_FALLBACK=1), so
       * nothing warns about it; false when the addon should have loaded and did not.
       */
      readonly expected: boolean;
      /** The load failed for want of fds or memory and is retried on the next call. */
      readonly transient?: boolean;
    };

let state: BindingState | undefined;

/**
 * Whether a load error says nothing about the addon itself: the process was out of fds or memory
 * for a moment. Such a failure must not disable the tether for the life of the process.
 */
function isTransient(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'EMFILE' || code === 'ENFILE' || code === 'ENOMEM' || code === 'EAGAIN') return true;
  // dlopen failures carry ERR_DLOPEN_FAILED; only the message names the cause.
  return (
    typeof message === 'string' &&
    /too many open files|cannot allocate memory|resource temporarily unavailable/i.test(message)
  );
}

function load(): BindingState {
  if (process.platform !== 'linux') {
    return { reason: `tethered needs Linux (this is ${process.platform})`, expected: true };
  }
  if (process.env['TETHERED_FORCE_FALLBACK'] === '1') {
    return { reason: 'TETHERED_FORCE_FALLBACK=1 disables the native addon', expected: true };
  }
  try {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
    // src/ and lib/ both sit directly under the package root.
    return { binding: nodeGypBuild(fileURLToPath(new URL('..', import.meta.url))) };
  } catch (error) {
    return {
      reason: `the native addon did not load: ${(error as Error).message}`,
      expected: false,
      transient: isTransient(error),
    };
  }
}

/** The addon for this environment, or why it is unavailable. */
export function bindingState(): BindingState {
  // A load that failed for want of a resource (fds, memory) is tried again.
  if (state === undefined || (state.binding === undefined && state.transient === true)) {
    state = load();
  }
  return state;
}

/**
 * Warns, once per environment, that a child starts untethered because the addon that should have
 * loaded did not. A transient failure (no fds or memory for the dlopen) is retried at the next
 * spawn, and the addon is fine: reinstalling would not help, so it does not warn.
 */
export function warnUntethered(current: BindingState): void {
  if (current.binding !== undefined || current.expected || current.transient === true) return;
  warnOnce(
    'TETHERED_NO_ADDON',
    `${current.reason}. Children start WITHOUT a death signal (plain node:child_process behaviour). ` +
      'Fix: reinstall without --ignore-scripts, or run `npm rebuild tethered` (building needs a ' +
      'C++ compiler, make and Python); pass requireTether: true to refuse untethered children.',
  );
}
