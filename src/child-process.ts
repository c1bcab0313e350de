// spawn, exec, execFile, fork, spawnSync, execSync, execFileSync: Node's own functions, run with
// the tether armed for their child (armedSpawn for the seam, armedSpawnSync for the sync seam).
import * as childProcess from 'node:child_process';
import { promisify } from 'node:util';
import type { Armed } from './armed.js';
import { requestOfArguments, type TetherRequest } from './options.js';
import { armedSpawn } from './seam.js';
import { armedSpawnSync } from './sync.js';
import type {
  ExecFileFunction,
  ExecFileSyncFunction,
  ExecFunction,
  ExecSyncFunction,
  ForkFunction,
  SpawnFunction,
  SpawnSyncFunction,
} from './types.js';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Wraps one of Node's functions so that its child is tethered through `armed`, keeping its name
 * and its `util.promisify` form. The options are looked for from the second argument on
 * (execSync takes them second, like the others).
 */
function tethered(
  nodeFunction: (...args: never[]) => unknown,
  armed: Armed<TetherRequest> = armedSpawn,
): unknown {
  const tether = (call: AnyFunction): AnyFunction =>
    function (this: unknown, ...args: unknown[]) {
      return armed.during(requestOfArguments(args), () => call.apply(this, args));
    };
  const wrapped = tether(nodeFunction as AnyFunction);
  const custom = (nodeFunction as unknown as Record<symbol, unknown>)[promisify.custom];
  if (typeof custom === 'function') {
    Object.defineProperty(wrapped, promisify.custom, {
      value: tether(custom as AnyFunction),
      enumerable: false,
      writable: false,
      configurable: true,
    });
  }
  Object.defineProperty(wrapped, 'name', { value: nodeFunction.name });
  return wrapped;
}

/**
 * Tethered `child_process.spawn`. Same arguments, validation, events, errors and stdio as Node's
 * (it is Node's own function, driving a tethered Process handle), plus the options of
 * `TetherOptions`. Differs from Node in one intended way: `kill()` right after a failed spawn
 * returns `false` and signals nothing (Node 20 signals the caller's process group).
 */
export const spawn = tethered(childProcess.spawn) as SpawnFunction;

/** Tethered `child_process.exec` (Node's own, `util.promisify` form too); see {@link spawn}. */
export const exec = tethered(childProcess.exec) as ExecFunction;

/** Tethered `child_process.execFile` (Node's own, `util.promisify` form too); see {@link spawn}. */
export const execFile = tethered(childProcess.execFile) as ExecFileFunction;

/** Tethered `child_process.fork` (Node's own, with its IPC channel); see {@link spawn}. */
export const fork = tethered(childProcess.fork) as ForkFunction;

/**
 * Tethered `child_process.spawnSync`: Node's own function (same validation, defaults, result
 * object and errors), whose child is launched by tethered's spawner thread with a death signal
 * and waited for on the calling thread; plus the options of `TetherOptions`. Differences from
 * Node: none observable in the result; the child is tethered.
 */
export const spawnSync = tethered(childProcess.spawnSync, armedSpawnSync) as SpawnSyncFunction;

/** Tethered `child_process.execSync`; see {@link spawnSync}. Throws exactly what Node throws. */
export const execSync = tethered(childProcess.execSync, armedSpawnSync) as ExecSyncFunction;

/** Tethered `child_process.execFileSync`; see {@link spawnSync}. */
export const execFileSync = tethered(
  childProcess.execFileSync,
  armedSpawnSync,
) as ExecFileSyncFunction;
