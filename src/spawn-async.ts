// spawnAsync: Node's spawn run twice over one handle. The capture pass goes through all of Node's
// validation and normalisation, queues the launch on the spawner thread without waiting and makes
// Node throw; once the launch is settled, the replay pass builds the ChildProcess around it.
import * as childProcess from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { TetheredHandle } from './handle.js';
import {
  handOverParentEnds,
  isPipe,
  prepareLaunch,
  UV_EINVAL,
  type HandleSpawnOptions,
  type PreparedLaunch,
} from './launch-request.js';
import { optionsIndex, requestOfArguments, type LaunchMode } from './options.js';
import type { Registry } from './registry.js';
import { armedSpawn, type TetherRequest } from './seam.js';
import type { SpawnAsyncFunction } from './types.js';

/** What a capture pass returns: an errno Node throws for, which spawnAsync recognises. */
const CAPTURED = -osConstants.errno.ECANCELED;

/**
 * spawnAsync's handle: its first `spawn()` captures, its second replays, any later one is a
 * plain TetheredHandle spawn.
 */
class AsyncHandle extends TetheredHandle {
  /** Set by the capture pass: the launch and, once known, its outcome (0 or -errno). */
  #captured: { launch: PreparedLaunch; result: number } | undefined;
  #replayed = false;

  /** `settled` runs once the launch's outcome is known: then replay Node's spawn on this handle. */
  constructor(
    registry: Registry,
    mode: LaunchMode,
    private readonly settled: (handle: AsyncHandle) => void,
  ) {
    super(registry, mode);
  }

  protected override launch(options: HandleSpawnOptions): number {
    if (this.#captured === undefined) return this.#capture(options);
    if (this.#replayed) return super.launch(options);
    this.#replayed = true;
    return this.#replay(options, this.#captured);
  }

  /**
   * Queues the launch without waiting, closes the Pipe handles Node made for this pass (the
   * replay brings fresh ones) and returns {@link CAPTURED} so that Node throws and creates no
   * child.
   */
  #capture(options: HandleSpawnOptions): number {
    const launch = prepareLaunch(this.registry.binding, options, this.mode);
    if (typeof launch === 'number') return launch;
    const captured = { launch, result: 0 };
    this.#captured = captured;
    for (const entry of options.stdio ?? []) {
      if (isPipe(entry)) entry.handle?.close?.();
    }
    const token = this.registry.nextToken();
    const queued = this.submit(launch, token);
    if (queued !== 0) {
      // Not queued (e.g. the spawner thread could not start): the replay reports this errno,
      // and opens or closes the parent ends as Node expects for it.
      captured.result = typeof queued === 'number' ? queued : UV_EINVAL;
      queueMicrotask(() => {
        this.settled(this);
      });
      return CAPTURED;
    }
    this.registry.awaitLaunch(token, (result, pid, childId) => {
      captured.result = result;
      if (result === 0) this.running(pid, childId);
      this.settled(this);
    });
    return CAPTURED;
  }

  /** Reports the known outcome and hands this pass's Pipe handles the parent ends made earlier. */
  #replay(
    options: HandleSpawnOptions,
    { launch, result }: { launch: PreparedLaunch; result: number },
  ): number {
    // Same options, same slots.
    let k = 0;
    for (const entry of options.stdio ?? []) {
      if (isPipe(entry) && entry.handle !== undefined) {
        const end = launch.parentEnds[k++];
        if (end !== undefined) end.pipe = entry.handle;
      }
    }
    handOverParentEnds(this.registry.binding, launch, result);
    return result;
  }
}

/**
 * Resolves once `child` emitted 'spawn'; rejects with its 'error' if that comes first, or in the
 * same tick: with a signal that was aborted before the child ran, Node emits 'spawn' and then the
 * AbortError from the next tick, and that error is the outcome of the call (the promise keeps
 * the first outcome).
 */
function settleOnSpawn(
  child: childProcess.ChildProcess,
  resolve: (child: childProcess.ChildProcess) => void,
  reject: (error: unknown) => void,
): void {
  const onSpawn = (): void => {
    // Node queued its abort listener (if any) after the 'spawn' tick: this one runs after it.
    process.nextTick(() => {
      child.off('error', onError);
      resolve(child);
    });
  };
  const onError = (error: unknown): void => {
    child.off('spawn', onSpawn);
    reject(error);
  };
  child.once('spawn', onSpawn);
  child.once('error', onError);
}

/**
 * The replay pass only rebuilds Node's ChildProcess around a launch that already happened, so
 * the environment it would copy again (the costliest part of Node's option normalisation) is
 * never used: give it an empty one.
 */
function withoutEnvironment(args: readonly unknown[]): unknown[] {
  const replayArgs = [...args];
  const i = optionsIndex(args);
  if (i !== -1) {
    replayArgs[i] = { ...(args[i] as object), env: {} };
    return replayArgs;
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
    /** One pass of Node's spawn over the handle `makeHandle` gives; it settles on the child. */
    const pass = (passArgs: unknown[], makeHandle: TetherRequest['makeHandle']): void => {
      const child = armedSpawn.during({ ...request, makeHandle }, () => nodeSpawn(...passArgs));
      settleOnSpawn(child, resolve, reject);
    };
    const replay = (handle: AsyncHandle): void => {
      try {
        // Open and ref'd again: Node closed the handle when the capture pass threw.
        pass(withoutEnvironment(args), () => handle.reopen());
      } catch (error) {
        reject(error);
      }
    };
    try {
      // Without the addon (fallback) Node spawns synchronously and returns the child.
      pass(args, (registry, mode) => new AsyncHandle(registry, mode, replay));
    } catch (error) {
      if (!isCapturePass(error)) reject(error);
    }
  });
} as SpawnAsyncFunction;
