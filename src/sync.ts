// The synchronous seam. Node's spawnSync, execSync and execFileSync validate and normalise in JS,
// then make one call, spawn_sync.spawn(options), into the object process.binding('spawn_sync')
// returns; then they shape its result in JS. Replacing that object's `spawn` reroutes all three
// to the tethered runner while Node keeps its validation, defaults, errors and result shaping.
import * as childProcess from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { Armed } from './armed.js';
import { bindingState, warnUntethered, type NativeBinding } from './binding.js';
import {
  isPipe,
  launchArgs,
  PIPE_BUFFER_SIZE,
  type HandleSpawnOptions,
  type StdioEntry,
} from './launch-request.js';
import {
  launchModeOf,
  resolveTether,
  tetherUnavailable,
  type LaunchMode,
  type TetherRequest,
} from './options.js';
import { signalName } from './signals.js';

type RawSpawn = (this: unknown, options: Record<string, unknown>) => unknown;

/** What spawn_sync.spawn returns: Node's SyncProcessRunner result object, key order included. */
interface SyncResult {
  error?: number;
  status: number | null;
  signal: string | null;
  output: (Buffer | null)[] | null;
  pid: number;
}

/**
 * Finds the spawn_sync binding, checks that node:child_process really calls it (with a probe
 * that throws before anything is spawned) and replaces its `spawn` for good: calls nobody armed
 * go straight to Node's. Returns why it cannot, if it cannot. process.binding prints no warning
 * in a normal run; with --pending-deprecation it prints DEP0111 once per environment, here.
 */
function install(): string | undefined {
  const getBinding = (process as unknown as { binding?: unknown }).binding;
  if (typeof getBinding !== 'function') {
    return 'process.binding is not available on this Node version';
  }
  let object: unknown;
  try {
    object = (getBinding as (name: string) => unknown).call(process, 'spawn_sync');
  } catch (error) {
    return `process.binding('spawn_sync') failed: ${(error as Error).message}`;
  }
  const binding = object as { spawn?: unknown } | null;
  if (binding === null || typeof binding !== 'object' || typeof binding.spawn !== 'function') {
    return "process.binding('spawn_sync') has no spawn function on this Node version";
  }
  const original = binding.spawn as RawSpawn;
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
    return "node:child_process's spawnSync does not call process.binding('spawn_sync')";
  }
  binding.spawn = function spawn(this: unknown, options: Record<string, unknown>): unknown {
    const request = armedSpawnSync.take(options);
    if (request === undefined) return original.call(this, options);
    return runTethered(options, request, () => original.call(this, options));
  };
  return undefined;
}

/**
 * The request for the child a tethered spawnSync, execSync or execFileSync runs; its `install()`
 * says why these cannot be tethered on this Node, if they cannot.
 */
export const armedSpawnSync = new Armed<TetherRequest>(install);

/** The flat arguments of the addon's spawnSync. */
type Plan = Parameters<NativeBinding['spawnSync']>;

/** One stdio slot as Node's getValidStdio(stdio, true) and spawnSync leave it. */
interface SyncStdio extends StdioEntry {
  readable?: boolean;
  writable?: boolean;
  /** A Buffer or other view: spawnSync converts a string `input` and refuses anything else. */
  input?: ArrayBufferView;
}

/**
 * The options spawn_sync.spawn receives: normalised and validated by Node's spawnSync (strings,
 * arrays, int32 ids, numbers; killSignal already a number), on Node 20 to 26.
 */
interface SyncOptions extends HandleSpawnOptions {
  stdio: SyncStdio[];
  timeout?: number | null;
  maxBuffer?: number | null;
  killSignal?: number;
}

/**
 * The addon's arguments for `options`, or why they cannot be run natively: a stream given as a
 * stdio slot ('wrap'), which Node's own runner refuses.
 */
function planOf(options: SyncOptions, mode: LaunchMode): Plan | string {
  const { stdio } = options;
  const pipes = new Int32Array(stdio.length).fill(-1);
  const fds = new Int32Array(stdio.length).fill(-1);
  const inputs: (Uint8Array | undefined)[] = [];
  for (const [i, entry] of stdio.entries()) {
    inputs.push(undefined);
    if (isPipe(entry)) {
      const readable = entry.readable === true;
      pipes[i] = (readable ? 1 : 0) | (entry.writable === true ? 2 : 0);
      const input = entry.input;
      if (readable && input !== undefined) {
        inputs[i] = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      }
    } else if (entry.type === 'inherit' || entry.type === 'fd') {
      fds[i] = Number(entry.fd) | 0;
    } else if (entry.type !== 'ignore') {
      return `stdio type ${entry.type} is not supported by spawnSync`;
    }
  }
  return [
    ...launchArgs(options, fds, mode, true),
    pipes,
    inputs,
    Math.trunc(options.timeout ?? 0),
    options.maxBuffer ?? 0,
    options.killSignal ?? osConstants.signals.SIGTERM,
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
  return {
    ...(error !== 0 && { error }),
    status: started && termSignal === 0 ? exitStatus : null,
    signal: termSignal > 0 ? signalName(termSignal) : null,
    output: started ? output : null,
    pid,
  };
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
      : planOf(options as unknown as SyncOptions, launchModeOf(resolved, state.binding));
  if (state.binding === undefined || typeof plan === 'string') {
    // Node's own runner, untethered (it also throws or aborts where Node does for odd options).
    if (requireTether) throw tetherUnavailable(typeof plan === 'string' ? plan : 'unknown');
    warnUntethered(state);
    return untethered();
  }
  return resultOf(state.binding.spawnSync(...plan));
}
