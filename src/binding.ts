// Loads the native addon once per environment and describes its raw, flat surface.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Event kinds the addon delivers to the callback given to `init`. */
export const EVENT_EXIT = 0;
export const EVENT_SPAWNED = 1;

export interface NativeFacts {
  started: boolean;
  pidfd: boolean;
  cloneVfork: boolean;
  pidfdFallbackReason?: string;
  /** -errno of the last failed attempt to start the spawner thread (only while not started). */
  startError?: number;
}

/** The addon's functions. Failures are returned as negative errno values, never thrown. */
export interface NativeBinding {
  init(onEvent: (kind: number, id: number, a: number, b: number, c: number) => void): number;
  socketpair(bufferSize: number): [number, number] | number;
  closeFd(fd: number): number;
  spawn(
    file: string,
    args: string[],
    envPairs: string[],
    cwd: string | undefined,
    fds: Int32Array,
    closeAfter: Int32Array,
    detached: boolean,
    uid: number | undefined,
    gid: number | undefined,
    deathSignal: number,
    asyncToken: number,
    tree?: boolean,
    treeGraceMs?: number,
  ): [pid: number, childId: number] | number;
  /**
   * Runs one child synchronously (spawnSync): launched by the spawner thread, waited for on this
   * thread. `pipes[i]` is -1 when slot i is not a pipe (the child gets `fds[i]`, -1 for
   * 'ignore'), else 1 (child reads) | 2 (child writes); `inputs[i]` the bytes for a readable pipe.
   * Returns `[error, pid, exitStatus, termSignal, ...output]`, or -errno for unreadable arguments.
   */
  spawnSync(
    file: string,
    args: string[],
    envPairs: string[],
    cwd: string | undefined,
    pipes: Int32Array,
    fds: Int32Array,
    inputs: (ArrayBufferView | undefined)[],
    detached: boolean,
    uid: number | undefined,
    gid: number | undefined,
    deathSignal: number,
    timeoutMs: number,
    maxBuffer: number,
    killSignal: number,
    pipeBufferSize: number,
    tree?: boolean,
    treeGraceMs?: number,
    killDescendants?: boolean,
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
  kill(childId: number, signal: number, withDescendants?: boolean): number;
  /**
   * Signals child `childId` and its descendants: through its guardian for a tree child (SIGKILL
   * after `graceMs` unless it is < 0), else by a pidfd-verified walk from here. 0 or -errno.
   */
  killTree(childId: number, signal: number, graceMs: number): number;
  /** The same walk for a child this addon did not start; the caller knows it is unreaped. */
  killTreeByPid(pid: number, signal: number): number;
  /** Whether tree mode's guardian can run here, and why not (runs it once, on the first call). */
  treeSupport(): [ok: boolean, reason: string];
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
/** The last load failed for want of a resource (fds, memory): try again on the next call. */
let retryLoad = false;

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
    retryLoad = isTransient(error);
    return {
      reason: `the native addon did not load: ${(error as Error).message}`,
      expected: false,
      transient: retryLoad,
    };
  }
}

/** The addon for this environment, or why it is unavailable. */
export function bindingState(): BindingState {
  if (state === undefined || retryLoad) {
    retryLoad = false;
    state = load();
  }
  return state;
}
