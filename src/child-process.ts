// spawn/exec/execFile/fork: Node's own functions, run with the tether armed for their child.
import * as childProcess from 'node:child_process';
import { promisify } from 'node:util';
import { CAPTURED, type TetheredHandle } from './handle.js';
import { requestOfArguments } from './options.js';
import { withTether } from './seam.js';
import type {
  ExecFileFunction,
  ExecFunction,
  ForkFunction,
  SpawnAsyncFunction,
  SpawnFunction,
} from './types.js';

/**
 * Tethered `child_process.spawn`. Same arguments, validation, events, errors and stdio as Node's
 * (it is Node's own function, driving a tethered Process handle), plus the `deathSignal` and
 * `requireTether` options. Differs from Node in one intended way: `kill()` right after a failed
 * spawn returns `false` and signals nothing (Node 20 signals the caller's process group).
 */
export const spawn: SpawnFunction = function spawn(...args: unknown[]) {
  return withTether(requestOfArguments(args), () =>
    (childProcess.spawn as (...a: unknown[]) => childProcess.ChildProcess)(...args),
  );
} as SpawnFunction;

type AnyFunction = (...args: unknown[]) => unknown;

/** Wraps one of Node's functions so that its child is tethered, keeping `util.promisify`. */
function tetherFunction<F extends AnyFunction>(nodeFunction: F): F {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    return withTether(requestOfArguments(args), () => nodeFunction.apply(this, args));
  } as F;
  const custom = (nodeFunction as unknown as Record<symbol, unknown>)[promisify.custom];
  if (typeof custom === 'function') {
    Object.defineProperty(wrapped, promisify.custom, {
      value: function (this: unknown, ...args: unknown[]) {
        return withTether(requestOfArguments(args), () =>
          (custom as AnyFunction).apply(this, args),
        );
      },
      enumerable: false,
      writable: false,
      configurable: true,
    });
  }
  Object.defineProperty(wrapped, 'name', { value: nodeFunction.name });
  return wrapped;
}

/**
 * Tethered `child_process.exec`: Node's function (callback form, `util.promisify` with
 * `{stdout, stderr}` and `.child`), with the child tethered; accepts `deathSignal`.
 */
export const exec = tetherFunction(
  childProcess.exec as unknown as AnyFunction,
) as unknown as ExecFunction;

/** Tethered `child_process.execFile`; see {@link exec}. */
export const execFile = tetherFunction(
  childProcess.execFile as unknown as AnyFunction,
) as unknown as ExecFileFunction;

/** Tethered `child_process.fork`, with Node's IPC channel; accepts `deathSignal`. */
export const fork = tetherFunction(
  childProcess.fork as unknown as AnyFunction,
) as unknown as ForkFunction;

/**
 * Resolves once `child` emitted 'spawn'; rejects with its 'error' if that comes first, or in the
 * same tick: with a signal that was aborted before the child ran, Node emits 'spawn' and then the
 * AbortError from the next tick, and that error is the outcome of the call.
 */
function settleOnSpawn(
  child: childProcess.ChildProcess,
  resolve: (child: childProcess.ChildProcess) => void,
  reject: (error: unknown) => void,
): void {
  let settled = false;
  const onSpawn = (): void => {
    // Node queued its abort listener (if any) after the 'spawn' tick: this one runs after it.
    process.nextTick(() => {
      if (settled) return;
      settled = true;
      child.off('error', onError);
      resolve(child);
    });
  };
  const onError = (error: unknown): void => {
    child.off('spawn', onSpawn);
    if (settled) return;
    settled = true;
    reject(error);
  };
  child.once('spawn', onSpawn);
  child.once('error', onError);
}

/**
 * spawnAsync's replay pass only rebuilds Node's ChildProcess around a launch that already
 * happened, so the environment it would copy again (the costliest part of Node's option
 * normalisation) is never used: give it an empty one.
 */
function withoutEnvironment(args: readonly unknown[]): unknown[] {
  const replayArgs = [...args];
  for (let i = 1; i < replayArgs.length; i++) {
    const arg = replayArgs[i];
    if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
      replayArgs[i] = { ...arg, env: {} };
      return replayArgs;
    }
  }
  if (replayArgs.length < 2) replayArgs.length = 2;
  replayArgs[2] = { env: {} };
  return replayArgs;
}

function isCapturePass(error: unknown): boolean {
  const e = error as { errno?: unknown; syscall?: unknown } | null;
  return e !== null && typeof e === 'object' && e.errno === CAPTURED && e.syscall === 'spawn';
}

/**
 * Like {@link spawn}, but the clone and exec happen on the spawner thread while the event loop
 * keeps running. Resolves with the running child once `'spawn'` has been emitted (attach
 * listeners for `'spawn'` before awaiting is therefore pointless); rejects with exactly the
 * error `spawn` would throw or emit (validation errors included). A `signal` already aborted when
 * the child starts (before the call, or while the launch was queued) rejects with the AbortError
 * spawn emits; the child has then been sent `killSignal` and is reaped. Not in
 * `node:child_process`.
 */
export const spawnAsync = function spawnAsync(
  ...args: unknown[]
): Promise<childProcess.ChildProcess> {
  return new Promise((resolve, reject) => {
    const request = requestOfArguments(args);
    const nodeSpawn = childProcess.spawn as (...a: unknown[]) => childProcess.ChildProcess;
    let handle: TetheredHandle | undefined;
    const replay = (): void => {
      try {
        const replayArgs = withoutEnvironment(args);
        const child = withTether({ ...request, reuse: handle }, () => {
          handle?.replay();
          return nodeSpawn(...replayArgs);
        });
        settleOnSpawn(child, resolve, reject);
      } catch (error) {
        reject(error);
      }
    };
    try {
      const onHandle = (installed: TetheredHandle): void => {
        handle = installed;
        installed.captureAsync(replay);
      };
      // Without the addon (fallback) Node spawns synchronously and returns the child.
      const child = withTether({ ...request, onHandle }, () => nodeSpawn(...args));
      settleOnSpawn(child, resolve, reject);
    } catch (error) {
      if (!isCapturePass(error)) reject(error);
    }
  });
} as SpawnAsyncFunction;
