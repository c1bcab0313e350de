// The options tethered adds to Node's: their validation (with the errors Node builds for the
// options they resemble), the request read from a call's options, and its resolution against the
// defaults, for both seams (docs/design.md, "Options and defaults").
import * as childProcess from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { NativeBinding } from './binding.js';
import { getDefaults } from './defaults.js';
import { nodeError, reworded, warnOnce } from './errors.js';
import { signalNumber } from './signals.js';
import { treeSupport } from './tree-support.js';

type AnyFunction = (...args: never[]) => unknown;

/** An option's validator: throws Node's error for a bad value, its stack from the call of `above`. */
type Validator = (value: unknown, above: AnyFunction) => void;

/**
 * Each option tethered adds, with its validator (the defaults' too, so a bad default fails exactly
 * as the per-call option would). `undefined` is always valid, and `null` for all but treeGraceMs.
 */
export const VALIDATORS = {
  deathSignal: validateDeathSignal,
  requireTether: booleanOption('requireTether'),
  tree: booleanOption('tree'),
  treeGraceMs: (value) => {
    validateTreeGraceMs(value);
  },
  killDescendants: booleanOption('killDescendants'),
} satisfies Record<string, Validator>;

export type OptionName = keyof typeof VALIDATORS;

/** The tethered options of one call, exactly as given (`undefined` where absent). */
export type TetherRequest = { [Name in OptionName]?: unknown };

/** The tethered options read from Node's options object `options` (any value; Node validates). */
export function requestOf(options: unknown): TetherRequest {
  if (typeof options !== 'object' || options === null) return {};
  const bag = options as Record<string, unknown>;
  return Object.fromEntries(Object.keys(VALIDATORS).map((name) => [name, bag[name]]));
}

/** Where a call's options object is, found the way Node's normalisers find it (-1: none). */
export function optionsIndex(args: readonly unknown[]): number {
  return args.findIndex(
    (arg, i) => i > 0 && typeof arg === 'object' && arg !== null && !Array.isArray(arg),
  );
}

/** The request of a call's arguments: that of its options object. */
export function requestOfArguments(args: readonly unknown[]): TetherRequest {
  return requestOf(args[optionsIndex(args)]);
}

/**
 * Throws for a bad option of `request` (in {@link VALIDATORS}' order), or a bad TETHERED_DEFAULTS,
 * before anything is spawned; the error's stack starts at the call of `above`.
 */
export function validateTetherRequest(request: TetherRequest, above: AnyFunction): void {
  for (const [name, validate] of Object.entries(VALIDATORS)) {
    validate(request[name as OptionName], above);
  }
  if (request.tree === true && request.deathSignal === null) {
    throw nodeError(
      TypeError,
      'ERR_INVALID_ARG_VALUE',
      'The "options.deathSignal" property cannot be null when "options.tree" is true: a tree child is always tethered (use deathSignal: "SIGKILL" for no grace period)',
    );
  }
  getDefaults();
}

/** A call's request once the process-wide defaults filled in what it left out. */
export interface ResolvedTether {
  deathSignal: number;
  requireTether: boolean;
  tree: boolean;
  treeGraceMs: number;
  /** The call's or the default's; `undefined`: as tree mode (see {@link launchModeOf}). */
  killDescendants: boolean | undefined;
}

/** Three seconds: long enough for a graceful shutdown, short enough not to leave a hung host. */
const DEFAULT_TREE_GRACE_MS = 3000;

/**
 * What a call asks for once the process-wide defaults fill in what it left out. Tree mode: the
 * call's `tree`; else the default, for tethered children only (a detached daemon stays one). An
 * explicit `tree: true` tethers the tree even when `detached: true` would leave it untethered.
 */
export function resolveTether(request: TetherRequest, detached: boolean): ResolvedTether {
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
  return {
    deathSignal,
    requireTether: (request.requireTether ?? defaults.requireTether) === true,
    tree,
    treeGraceMs: (request.treeGraceMs ?? defaults.treeGraceMs ?? DEFAULT_TREE_GRACE_MS) as number,
    killDescendants: (request.killDescendants ?? defaults.killDescendants) as boolean | undefined,
  };
}

/**
 * The signal for this child: the call's `deathSignal`; else none for a detached child; else the
 * process-wide default; else SIGTERM.
 */
function resolveDeathSignal(value: unknown, fallback: unknown, detached: boolean): number {
  if (value === undefined) {
    if (detached) return 0;
    if (fallback === undefined) return osConstants.signals.SIGTERM;
    return resolveDeathSignal(fallback, undefined, false);
  }
  if (value === null) return 0;
  validateDeathSignal(value, resolveDeathSignal);
  return signalNumber(value) ?? 0;
}

/**
 * What the addon launches: the death signal, the guardian's grace period in tree mode, and
 * whether a signal sent through the handle reaches every live descendant too.
 */
export interface LaunchMode {
  deathSignal: number;
  tree: { graceMs: number } | undefined;
  killDescendants: boolean;
}

/**
 * Tree mode where `resolved` asks for it and the guardian can run here (a tree child always has a
 * death signal). Where it cannot run, the child is still tethered itself (its descendants are not
 * covered), or with `requireTether` this throws ERR_TETHER_UNAVAILABLE. `killDescendants`
 * defaults to whether the child runs in tree mode.
 */
export function launchModeOf(resolved: ResolvedTether, binding: NativeBinding): LaunchMode {
  let deathSignal = resolved.deathSignal;
  let tree: LaunchMode['tree'];
  if (resolved.tree) {
    const [ok, reason] = treeSupport(binding);
    if (ok) {
      deathSignal ||= osConstants.signals.SIGTERM;
      tree = { graceMs: resolved.treeGraceMs };
    } else if (resolved.requireTether) {
      throw tetherUnavailable(`tree mode is unavailable: ${reason}`);
    } else {
      // Once per environment: the child is still tethered itself, its descendants are not covered.
      warnOnce(
        'TETHERED_NO_TREE',
        `tree mode is unavailable: ${reason}. Children spawned with tree: true ` +
          'start tethered themselves, but their descendants are NOT killed with this process. Pass ' +
          'requireTether: true to refuse such children; capabilities().treeReason says why.',
      );
    }
  }
  return { deathSignal, tree, killDescendants: resolved.killDescendants ?? tree !== undefined };
}

/** The error thrown when `requireTether: true` and the tether cannot be provided. */
export function tetherUnavailable(reason: string): Error {
  return nodeError(
    Error,
    'ERR_TETHER_UNAVAILABLE',
    `tethered: cannot tether this child: ${reason}`,
  );
}

/**
 * Gives `error` a stack that starts where `above` was called (the frames of the Node call that
 * built the error are not the user's business), keeping Node's header line
 * (`TypeError [ERR_…]: message`).
 */
function restack(error: Error, above: AnyFunction): Error {
  const stack = error.stack;
  const end = typeof stack === 'string' ? stack.indexOf(error.message) : -1;
  if (stack === undefined || end === -1) return error;
  const header = stack.slice(0, end + error.message.length);
  const frames: { stack?: string } = {};
  Error.captureStackTrace(frames, above);
  const lines = frames.stack ?? '';
  const firstFrame = lines.indexOf('\n');
  error.stack = firstFrame === -1 ? header : header + lines.slice(firstFrame);
  return error;
}

/** `error` with `"options.<from>"` in its message (and stack header) renamed to `"options.<to>"`. */
function renamed(error: Error, from: string, to: string): Error {
  return reworded(error, error.message.replace(`"options.${from}"`, `"options.${to}"`));
}

/** What `call`, a call of Node's made only for its validation, throws. */
function thrownBy(call: () => unknown): Error | undefined {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/** What Node's spawn throws for `options[name] = value` when it validates that option first. */
function nodeSpawnOptionError(name: string, value: unknown): Error | undefined {
  // Node validates these options before it creates a ChildProcess: nothing is spawned, and
  // `env: {}` spares it copying the environment.
  return thrownBy(() => childProcess.spawn('tethered-validation', [], { env: {}, [name]: value }));
}

/**
 * Throws for a `deathSignal` that is not a signal, its stack starting at the call of `above`.
 * Strings and numbers that name no signal get Node's `ERR_UNKNOWN_SIGNAL` ("Unknown signal: X",
 * which does not name the option, as for `killSignal`); other types `ERR_INVALID_ARG_TYPE` naming
 * `options.deathSignal`; `0` gets `ERR_INVALID_ARG_VALUE` naming `options.deathSignal` and saying
 * to use `null`.
 */
function validateDeathSignal(value: unknown, above: AnyFunction): void {
  if (value === undefined || value === null) return;
  let error: Error | undefined;
  if (value === 0) {
    error = nodeError(
      TypeError,
      'ERR_INVALID_ARG_VALUE',
      "The property 'options.deathSignal' must not be 0: use null for a child without a death " +
        'signal. Received 0',
    );
  } else if (typeof value === 'string' || typeof value === 'number') {
    if (signalNumber(value) !== undefined) return;
    // ChildProcess.prototype.kill converts its argument with Node's own convertToValidSignal,
    // which throws for an unknown signal before the handle is looked at; the receiver has no
    // handle, so even a value that converted would signal nothing.
    const { prototype } = childProcess.ChildProcess;
    error =
      // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to an inert receiver
      thrownBy(() => Reflect.apply(prototype.kill, { _handle: null, killed: false }, [value])) ??
      nodeError(TypeError, 'ERR_UNKNOWN_SIGNAL', `Unknown signal: ${value}`);
  } else {
    error = nodeSpawnOptionError('killSignal', value);
    if (error !== undefined) renamed(error, 'killSignal', 'deathSignal');
  }
  if (error !== undefined) throw restack(error, above);
}

/**
 * The validator of boolean option `name`: Node's `ERR_INVALID_ARG_TYPE` (as for `detached`, naming
 * `options.<name>`) unless the value is a boolean, `undefined` or `null`.
 */
function booleanOption(name: string): Validator {
  return (value, above) => {
    if (value === undefined || value === null || typeof value === 'boolean') return;
    const error = nodeSpawnOptionError('detached', value);
    if (error !== undefined) throw restack(renamed(error, 'detached', name), above);
  };
}

/** Node's ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE for a grace period not undefined or 0..2^31-1. */
export function validateTreeGraceMs(value: unknown, name = 'options.treeGraceMs'): void {
  if (value === undefined) return;
  if (typeof value !== 'number') {
    throw nodeError(
      TypeError,
      'ERR_INVALID_ARG_TYPE',
      `The "${name}" property must be of type number. Received ${typeof value}`,
    );
  }
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw nodeError(
      RangeError,
      'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be an integer >= 0 && <= 2147483647. Received ${String(value)}`,
    );
  }
}
