// The seam: Node's ChildProcess.prototype.spawn, wrapped so that a tethered call (or every call,
// once tethered/register ran) swaps Node's Process handle for a TetheredHandle first.
import * as childProcess from 'node:child_process';
import { Armed } from './armed.js';
import { bindingState, warnUntethered } from './binding.js';
import { TetheredHandle } from './handle.js';
import {
  launchModeOf,
  resolveTether,
  tetherUnavailable,
  type LaunchMode,
  type TetherRequest as TetherOptionsRequest,
} from './options.js';
import { registryFor, type Registry } from './registry.js';

type ProtoSpawn = (this: ChildProcessInternals, options: Record<string, unknown> | null) => number;

interface ProcessHandleLike {
  onexit?: unknown;
  spawn?: unknown;
}

interface ChildProcessInternals {
  _handle: ProcessHandleLike | TetheredHandle | null;
}

/** What a tethered call asks of the ChildProcess it is about to create. */
export interface TetherRequest extends TetherOptionsRequest {
  /** Makes the handle instead of a plain TetheredHandle (spawnAsync's, for both its passes). */
  makeHandle?: ((registry: Registry, mode: LaunchMode) => TetheredHandle) | undefined;
}

const proto = childProcess.ChildProcess.prototype as unknown as { spawn: ProtoSpawn };
const nodeProtoSpawn: ProtoSpawn | undefined =
  typeof proto.spawn === 'function' ? proto.spawn : undefined;
const MISSING_PROTO_SPAWN = 'ChildProcess.prototype.spawn is missing on this Node version';

/** Each tethered ChildProcess's handle: Node drops `_handle` at exit, killTree() needs it later. */
const handles = new WeakMap<object, TetheredHandle>();

/** The TetheredHandle under `child`, if tethered started it (even after its exit). */
export function tetheredHandleOf(child: object): TetheredHandle | undefined {
  return handles.get(child);
}

/** Why the seam cannot be used on this Node, or undefined when it can. */
export function seamProblem(): string | undefined {
  if (nodeProtoSpawn === undefined) return MISSING_PROTO_SPAWN;
  const probe = new childProcess.ChildProcess() as unknown as ChildProcessInternals;
  const handle = probe._handle;
  if (
    handle === null ||
    typeof handle.spawn !== 'function' ||
    typeof handle.onexit !== 'function'
  ) {
    return "Node's ChildProcess no longer carries a Process handle with spawn/onexit";
  }
  return undefined;
}

/** Wraps ChildProcess.prototype.spawn; the wrapper takes {@link armedSpawn}'s request. */
function install(): string | undefined {
  if (nodeProtoSpawn === undefined) return MISSING_PROTO_SPAWN;
  const original = nodeProtoSpawn;
  proto.spawn = function spawn(this: ChildProcessInternals, options) {
    const request = armedSpawn.take(options);
    // Node validates `options` itself (ERR_INVALID_ARG_TYPE for a non-object): leave anything
    // that is not an object to it untouched, so the error is exactly Node's.
    if (request !== undefined && typeof options === 'object' && options !== null) {
      adopt(this, options, request);
    }
    return original.call(this, options);
  };
  return undefined;
}

/** The request for the ChildProcess a tethered call (spawn, exec, execFile, fork) creates. */
export const armedSpawn = new Armed<TetherRequest>(install);

function adopt(
  child: ChildProcessInternals,
  options: Record<string, unknown>,
  request: TetherRequest,
): void {
  const resolved = resolveTether(request, options['detached'] === true);
  const { requireTether } = resolved;
  const state = bindingState();
  const nodeHandle = child._handle;
  if (state.binding === undefined || nodeHandle === null) {
    if (requireTether) throw tetherUnavailable(state.reason ?? 'no process handle');
    warnUntethered(state); // this child (and every later one) starts untethered
    return;
  }
  const registry = registryFor(state.binding);
  const initProblem = registry.initProblem();
  if (initProblem !== undefined && requireTether) throw tetherUnavailable(initProblem);
  const mode = launchModeOf(resolved, state.binding);
  const handle = request.makeHandle?.(registry, mode) ?? new TetheredHandle(registry, mode);
  // Move over what Node's constructor put on its handle: onexit and the owner symbol. Node's
  // handle is never spawned, so it can never be closed, and its native side holds it for the life
  // of the environment: leave nothing on it that points back at the ChildProcess, or every
  // ChildProcess (with its streams) would stay reachable forever.
  handle.onexit = nodeHandle.onexit as TetheredHandle['onexit'];
  nodeHandle.onexit = undefined;
  const from = nodeHandle as unknown as Record<symbol, unknown>;
  for (const key of Object.getOwnPropertySymbols(nodeHandle)) {
    (handle as unknown as Record<symbol, unknown>)[key] = from[key];
    from[key] = undefined;
  }
  child._handle = handle;
  handles.set(child, handle);
}
