// spawnSync/execSync/execFileSync: Node's own functions, whose one native call is routed to the
// tethered runner (see sync.ts).
import * as childProcess from 'node:child_process';
import { requestOfArguments } from './options.js';
import { withSyncTether } from './sync.js';
import type { ExecFileSyncFunction, ExecSyncFunction, SpawnSyncFunction } from './types.js';

type AnyFunction = (...args: unknown[]) => unknown;

function tetherSync(nodeFunction: AnyFunction, name: string): AnyFunction {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    // execSync takes its options second, like the others: requestOfArguments looks from index 1.
    return withSyncTether(requestOfArguments(args), () => nodeFunction.apply(this, args));
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped;
}

/**
 * Tethered `child_process.spawnSync`: Node's own function (same validation, defaults, result
 * object and errors), whose child is launched by tethered's spawner thread with a death signal
 * and waited for on the calling thread; plus the `deathSignal`, `requireTether`, `tree` and
 * `treeGraceMs` options.
 * Differences from Node: none observable in the result; the child is tethered.
 */
export const spawnSync = tetherSync(
  childProcess.spawnSync as unknown as AnyFunction,
  'spawnSync',
) as unknown as SpawnSyncFunction;

/** Tethered `child_process.execSync`; see {@link spawnSync}. Throws exactly what Node throws. */
export const execSync = tetherSync(
  childProcess.execSync as unknown as AnyFunction,
  'execSync',
) as unknown as ExecSyncFunction;

/** Tethered `child_process.execFileSync`; see {@link spawnSync}. */
export const execFileSync = tetherSync(
  childProcess.execFileSync as unknown as AnyFunction,
  'execFileSync',
) as unknown as ExecFileSyncFunction;
