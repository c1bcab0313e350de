// The synchronous seam. Node's spawnSync, execSync and execFileSync validate and normalise in JS,
// then make one call, spawn_sync.spawn(options), into the object process.binding('spawn_sync')
// returns; then they shape its result in JS. Replacing that object's `spawn` reroutes all three
// to the tethered runner while Node keeps its validation, defaults, errors and result shaping.
import * as childProcess from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { bindingState, type NativeBinding } from './binding.js';
import { PIPE_BUFFER_SIZE } from './handle.js';
import {
  launchModeOf,
  requestOf,
  resolveTether,
  tetherUnavailable,
  validateTetherRequest,
  type LaunchMode,
  type TetherRequest,
} from './options.js';
import { internalNodeCalls } from './seam.js';
import { signalName } from './signals.js';

type RawSpawn = (this: unknown, options: Record<string, unknown>) => unknown;

interface SpawnSyncBinding {
  spawn: RawSpawn;
}

type SyncSeam =
  | {
      readonly binding: SpawnSyncBinding;
      readonly original: RawSpawn;
      readonly problem?: undefined;
    }
  | { readonly problem: string };

/** What spawn_sync.spawn returns: Node's SyncProcessRunner result object, key order included. */
interface SyncResult {
  error?: number;
  status: number | null;
  signal: string | null;
  output: (Buffer | null)[] | null;
  pid: number;
}

let seam: SyncSeam | undefined;
let installed = false;
let registered = false;
let pending: TetherRequest | undefined;

const SIGTERM = osConstants.signals.SIGTERM;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Finds the spawn_sync binding and checks that node:child_process really calls it, with a probe
 * that throws before anything is spawned. process.binding prints no warning in a normal run; with
 * --pending-deprecation it prints DEP0111 once per environment, here.
 */
function locate(): SyncSeam {
  const getBinding = (process as unknown as { binding?: unknown }).binding;
  if (typeof getBinding !== 'function') {
    return { problem: 'process.binding is not available on this Node version' };
  }
  let object: unknown;
  try {
    object = (getBinding as (name: string) => unknown).call(process, 'spawn_sync');
  } catch (error) {
    return { problem: `process.binding('spawn_sync') failed: ${messageOf(error)}` };
  }
  const binding = object as Partial<SpawnSyncBinding> | null;
  if (binding === null || typeof binding !== 'object' || typeof binding.spawn !== 'function') {
    return { problem: "process.binding('spawn_sync') has no spawn function on this Node version" };
  }
  const original = binding.spawn;
  const marker = new Error('tethered spawn_sync probe');
  const probe = { reached: false };
  binding.spawn = () => {
    probe.reached = true;
    throw marker;
  };
  try {
    childProcess.spawnSync('tethered-probe', [], { stdio: 'ignore', env: {} });
  } catch {
    // the marker, when the seam holds
  } finally {
    binding.spawn = original;
  }
  if (!probe.reached) {
    return {
      problem: "node:child_process's spawnSync does not call process.binding('spawn_sync')",
    };
  }
  return { binding: binding as SpawnSyncBinding, original };
}

function syncSeam(): SyncSeam {
  seam ??= locate();
  return seam;
}

/** Why spawnSync/execSync/execFileSync cannot be tethered on this Node, or undefined. */
export function syncSeamProblem(): string | undefined {
  return syncSeam().problem;
}

/** Replaces spawn_sync.spawn once; the replacement passes untethered calls straight to Node's. */
function install(): SyncSeam {
  const found = syncSeam();
  if (installed || found.problem !== undefined) return found;
  installed = true;
  const { binding, original } = found;
  binding.spawn = function spawn(this: unknown, options: Record<string, unknown>): unknown {
    const request = pending;
    pending = undefined;
    if (internalNodeCalls.depth > 0 || (request === undefined && !registered)) {
      return original.call(this, options);
    }
    return runTethered(options, request ?? requestOf(options), () => original.call(this, options));
  };
  return found;
}

/** Runs `call` (Node's spawnSync, execSync or execFileSync) with the tether armed for its child. */
export function withSyncTether<T>(request: TetherRequest, call: () => T): T {
  validateTetherRequest(request, withSyncTether);
  const found = install();
  if (found.problem !== undefined) {
    if (resolveTether(request, false).requireTether) throw tetherUnavailable(found.problem);
    return call();
  }
  const previous = pending;
  pending = request;
  try {
    return call();
  } finally {
    pending = previous;
  }
}

/** Tethers every synchronous spawn from now on in this environment (tethered/register). */
export function registerSyncGlobally(): void {
  install();
  registered = true;
}

/** The flat arguments of the addon's spawnSync, or why these options cannot be run natively. */
type Plan = Parameters<NativeBinding['spawnSync']>;

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && (value | 0) === value;
}

function optionalNumber(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' ? value : undefined;
}

function planOf(options: Record<string, unknown>, mode: LaunchMode): Plan | string {
  const { file, args, envPairs, cwd, stdio, uid, gid } = options;
  if (typeof file !== 'string' || !Array.isArray(args) || !Array.isArray(envPairs)) {
    return 'the options lack file, args or envPairs';
  }
  if (!Array.isArray(stdio)) return 'the options lack a stdio array';
  if (cwd !== undefined && cwd !== null && typeof cwd !== 'string') return 'cwd is not a string';
  if ((uid != null && !isInt32(uid)) || (gid != null && !isInt32(gid))) {
    return 'uid or gid is not a 32-bit integer';
  }
  const timeout = optionalNumber(options['timeout'], 0);
  const maxBuffer = optionalNumber(options['maxBuffer'], 0);
  const killSignal = optionalNumber(options['killSignal'], SIGTERM);
  if (timeout === undefined || maxBuffer === undefined || killSignal === undefined) {
    return 'timeout, maxBuffer or killSignal is not a number';
  }
  const pipes = new Int32Array(stdio.length);
  const fds = new Int32Array(stdio.length);
  const inputs: (Uint8Array | undefined)[] = [];
  for (let i = 0; i < stdio.length; i++) {
    const entry = stdio[i] as
      | { type?: unknown; readable?: unknown; writable?: unknown; input?: unknown; fd?: unknown }
      | null
      | undefined;
    inputs.push(undefined);
    if (entry === null || typeof entry !== 'object') return `stdio[${String(i)}] is not an object`;
    if (entry.type === 'pipe' || entry.type === 'overlapped') {
      const readable = Boolean(entry.readable);
      pipes[i] = (readable ? 1 : 0) | (entry.writable ? 2 : 0);
      fds[i] = -1;
      const input = entry.input;
      if (readable && input !== undefined && input !== null) {
        if (!ArrayBuffer.isView(input)) return `stdio[${String(i)}].input is not a buffer`;
        inputs[i] = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      }
    } else if (entry.type === 'ignore') {
      pipes[i] = -1;
      fds[i] = -1;
    } else if (entry.type === 'inherit' || entry.type === 'fd') {
      pipes[i] = -1;
      fds[i] = Number(entry.fd) | 0;
    } else {
      return `stdio type ${String(entry.type)} is not supported by spawnSync`;
    }
  }
  return [
    file,
    args.map(String),
    envPairs.map(String),
    typeof cwd === 'string' ? cwd : undefined,
    fds,
    Boolean(options['detached']),
    uid == null ? undefined : uid,
    gid == null ? undefined : gid,
    mode.deathSignal,
    mode.tree !== undefined,
    mode.tree?.graceMs ?? 0,
    pipes,
    inputs,
    Math.trunc(timeout),
    maxBuffer,
    killSignal | 0,
    PIPE_BUFFER_SIZE,
    mode.killDescendants,
  ];
}

/** Node's SyncProcessRunner result for the addon's flat answer. */
function resultOf(raw: ReturnType<NativeBinding['spawnSync']>): SyncResult {
  if (typeof raw === 'number') {
    return { error: raw, status: null, signal: null, output: null, pid: 0 };
  }
  const [error, pid, exitStatus, termSignal, ...output] = raw;
  const started = exitStatus >= 0;
  const result = {} as SyncResult;
  if (error !== 0) result.error = error;
  result.status = started && termSignal === 0 ? exitStatus : null;
  result.signal = termSignal > 0 ? signalName(termSignal) : null;
  result.output = started ? output : null;
  result.pid = pid;
  return result;
}

function runTethered(
  options: Record<string, unknown>,
  request: TetherRequest,
  untethered: () => unknown,
): unknown {
  const resolved = resolveTether(request, options['detached'] === true);
  const { requireTether } = resolved;
  const state = bindingState();
  const plan =
    state.binding === undefined
      ? state.reason
      : planOf(options, launchModeOf(resolved, state.binding));
  if (state.binding === undefined || typeof plan === 'string') {
    // Node's own runner, untethered (it also throws or aborts where Node does for odd options).
    if (requireTether) throw tetherUnavailable(typeof plan === 'string' ? plan : 'unknown');
    return untethered();
  }
  return resultOf(state.binding.spawnSync(...plan));
}
