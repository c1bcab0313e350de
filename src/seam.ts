// The seam: Node's ChildProcess.prototype.spawn, wrapped so that a tethered call (or every call,
// once tethered/register ran) swaps Node's Process handle for a TetheredHandle first.
import * as childProcess from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { Armed } from './armed.js';
import { bindingState } from './binding.js';
import { getDefaults } from './defaults.js';
import { nodeError } from './errors.js';
import { TetheredHandle, type TreeMode } from './handle.js';
import { registryFor, type Registry } from './registry.js';
import { signalNumber } from './signals.js';
import { treeWithoutDeathSignal, validateTreeGraceMs } from './tree-options.js';
import { validateDeathSignal, validateRequireTether, validateTree } from './validate.js';

type ProtoSpawn = (this: ChildProcessInternals, options: Record<string, unknown> | null) => number;

interface ProcessHandleLike {
  onexit?: unknown;
  spawn?: unknown;
}

interface ChildProcessInternals {
  _handle: ProcessHandleLike | TetheredHandle | null;
}

/** What a tethered call asks of the ChildProcess it is about to create. */
export interface TetherRequest {
  /** The caller's `deathSignal` option exactly as given (`undefined` if absent). */
  deathSignal: unknown;
  /** The caller's `requireTether` option exactly as given (`undefined` if absent). */
  requireTether: unknown;
  /** The caller's `tree` option exactly as given. */
  tree?: unknown;
  /** The caller's `treeGraceMs` option exactly as given. */
  treeGraceMs?: unknown;
  /** Makes the handle instead of a plain TetheredHandle (spawnAsync's, for both its passes). */
  makeHandle?:
    | ((registry: Registry, deathSignal: number, tree: TreeMode | undefined) => TetheredHandle)
    | undefined;
}

const proto = childProcess.ChildProcess.prototype as unknown as { spawn: ProtoSpawn };
const nodeProtoSpawn: ProtoSpawn | undefined =
  typeof proto.spawn === 'function' ? proto.spawn : undefined;

const pending = new Armed<TetherRequest>();

/** Each tethered ChildProcess's handle: Node drops `_handle` at exit, killTree() needs it later. */
const handles = new WeakMap<object, TetheredHandle>();

/** The TetheredHandle under `child`, if tethered started it (even after its exit). */
export function tetheredHandleOf(child: object): TetheredHandle | undefined {
  return handles.get(child);
}
let registered = false;
let installed = false;

/** Why the seam cannot be used on this Node, or undefined when it can. */
export function seamProblem(): string | undefined {
  if (nodeProtoSpawn === undefined) {
    return 'ChildProcess.prototype.spawn is missing on this Node version';
  }
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

function install(): void {
  if (installed || nodeProtoSpawn === undefined) return;
  installed = true;
  const original = nodeProtoSpawn;
  proto.spawn = function spawn(this: ChildProcessInternals, options) {
    const request = pending.take();
    // Node validates `options` itself (ERR_INVALID_ARG_TYPE for a non-object): leave anything
    // that is not an object to it untouched, so the error is exactly Node's.
    if ((request !== undefined || registered) && typeof options === 'object' && options !== null) {
      adopt(
        this,
        options,
        request ?? {
          deathSignal: options['deathSignal'],
          requireTether: options['requireTether'],
          tree: options['tree'],
          treeGraceMs: options['treeGraceMs'],
        },
      );
    }
    return original.call(this, options);
  };
}

/** Runs `call` (one of Node's child_process functions) with the tether armed for its child. */
export function withTether<T>(request: TetherRequest, call: () => T): T {
  validateTetherRequest(request, withTether);
  install();
  return pending.during(request, call);
}

/** Throws for a bad `deathSignal`, `requireTether`, `tree` or `treeGraceMs`, or a bad TETHERED_DEFAULTS, before anything is spawned. */
export function validateTetherRequest(
  request: TetherRequest,
  above: (...args: never[]) => unknown = validateTetherRequest,
): void {
  // An error's stack starts at the call of `above` (the caller's frame, not tethered's).
  validateDeathSignal(request.deathSignal, above);
  validateRequireTether(request.requireTether, above);
  validateTree(request.tree, above);
  if (request.treeGraceMs !== undefined) validateTreeGraceMs(request.treeGraceMs);
  if (request.tree === true && request.deathSignal === null) throw treeWithoutDeathSignal();
  getDefaults();
}

/** Tethers every ChildProcess spawned from now on in this environment (tethered/register). */
export function registerGlobally(): void {
  install();
  registered = true;
}

function adopt(
  child: ChildProcessInternals,
  options: Record<string, unknown>,
  request: TetherRequest,
): void {
  const resolved = resolveTether(request, options['detached'] === true);
  const { requireTether } = resolved;
  let { deathSignal } = resolved;
  const state = bindingState();
  const nodeHandle = child._handle;
  if (state.binding === undefined || nodeHandle === null) {
    if (requireTether) throw tetherUnavailable(state.reason ?? 'no process handle');
    // A transient failure (no fds or memory for the dlopen) is retried at the next spawn, and
    // the addon is fine: reinstalling would not help, so it does not warn.
    if (state.binding === undefined && !state.expected && state.transient !== true) {
      warnNoAddon(state.reason);
    }
    return;
  }
  const registry = registryFor(state.binding);
  const initProblem = registry.initProblem();
  if (initProblem !== undefined && requireTether) throw tetherUnavailable(initProblem);
  let tree: TreeMode | undefined;
  if (resolved.tree) {
    const [ok, reason] = state.binding.treeSupport();
    if (ok) {
      if (deathSignal === 0) deathSignal = osConstants.signals.SIGTERM;
      tree = { graceMs: resolved.treeGraceMs };
    } else if (requireTether) {
      throw tetherUnavailable(`tree mode is unavailable: ${reason}`);
    }
    // Otherwise the child is still tethered itself; only its descendants are not covered.
  }
  const handle =
    request.makeHandle?.(registry, deathSignal, tree) ??
    new TetheredHandle(registry, deathSignal, tree);
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

/**
 * What a call asks for once the process-wide defaults fill in what it left out. Tree mode: the
 * call's `tree`; else the default, for tethered children only (a detached daemon stays one). An
 * explicit `tree: true` tethers the tree even when `detached: true` would leave it untethered.
 */
export function resolveTether(
  request: TetherRequest,
  detached: boolean,
): { deathSignal: number; requireTether: boolean; tree: boolean; treeGraceMs: number } {
  const defaults = getDefaults();
  const explicitTree = request.tree === true;
  const deathSignal = resolveDeathSignal(
    request.deathSignal,
    defaults.deathSignal,
    detached && !explicitTree,
  );
  const tree =
    request.tree === undefined || request.tree === null
      ? defaults.tree === true && deathSignal !== 0
      : explicitTree;
  const grace = request.treeGraceMs ?? defaults.treeGraceMs ?? DEFAULT_TREE_GRACE_MS;
  return {
    deathSignal,
    requireTether: (request.requireTether ?? defaults.requireTether) === true,
    tree,
    treeGraceMs: grace as number,
  };
}

/** Three seconds: long enough for a graceful shutdown, short enough not to leave a hung host. */
export const DEFAULT_TREE_GRACE_MS = 3000;

/**
 * The signal for this child: the call's `deathSignal`; else none for a detached child; else the
 * process-wide default; else SIGTERM.
 */
export function resolveDeathSignal(value: unknown, fallback: unknown, detached: boolean): number {
  if (value === undefined) {
    if (detached) return 0;
    if (fallback === undefined) return osConstants.signals.SIGTERM;
    return resolveDeathSignal(fallback, undefined, false);
  }
  if (value === null) return 0;
  validateDeathSignal(value, resolveDeathSignal);
  return signalNumber(value) ?? 0;
}

let warnedNoAddon = false;

/** Once per environment: this child (and every later one) starts untethered, and why. */
function warnNoAddon(reason: string): void {
  if (warnedNoAddon) return;
  warnedNoAddon = true;
  process.emitWarning(
    `${reason.replace(/\s*\n\s*/g, ' ')}. Children start WITHOUT a death signal (plain node:child_process behaviour). ` +
      'Fix: reinstall without --ignore-scripts, or run `npm rebuild tethered` (building needs a ' +
      'C++ compiler, make and Python); pass requireTether: true to refuse untethered children.',
    { type: 'TetheredWarning', code: 'TETHERED_NO_ADDON' },
  );
}

/** The error thrown when `requireTether: true` and the tether cannot be provided. */
export function tetherUnavailable(reason: string): Error {
  return nodeError(
    Error,
    'ERR_TETHER_UNAVAILABLE',
    `tethered: cannot tether this child: ${reason}`,
  );
}
