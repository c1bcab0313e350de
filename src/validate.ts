// Validation of the options tethered adds (deathSignal, requireTether), with the errors Node's own
// validation builds for the options they resemble (killSignal, a boolean), naming ours.
import * as childProcess from 'node:child_process';
import { nodeError } from './errors.js';
import { signalNumber } from './signals.js';

type AnyFunction = (...args: never[]) => unknown;

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
  const before = error.message;
  const after = before.replace(`"options.${from}"`, `"options.${to}"`);
  if (after !== before) {
    error.message = after;
    if (typeof error.stack === 'string') error.stack = error.stack.replace(before, after);
  }
  return error;
}

/** What Node's spawn throws for `options[name] = value` when it validates that option first. */
function nodeSpawnOptionError(name: string, value: unknown): Error | undefined {
  try {
    // Node validates these options before it creates a ChildProcess: nothing is spawned, and
    // `env: {}` spares it copying the environment.
    childProcess.spawn('tethered-validation', [], { env: {}, [name]: value });
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/** Node's ERR_UNKNOWN_SIGNAL for a string or number that is not a signal. */
function unknownSignalError(value: string | number): Error | undefined {
  // ChildProcess.prototype.kill converts its argument with Node's own convertToValidSignal,
  // which throws for an unknown signal before the handle is looked at; the receiver has no
  // handle, so even a value that converted would signal nothing.
  const { prototype } = childProcess.ChildProcess;
  try {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to an inert receiver
    Reflect.apply(prototype.kill, { _handle: null, killed: false }, [value]);
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/**
 * The error for a `deathSignal` that is not a signal, or undefined for a valid one. Strings and
 * numbers that name no signal get Node's `ERR_UNKNOWN_SIGNAL` ("Unknown signal: X", which does
 * not name the option, as for `killSignal`); other types `ERR_INVALID_ARG_TYPE` naming
 * `options.deathSignal`; `0` gets `ERR_INVALID_ARG_VALUE` naming `options.deathSignal` and saying
 * to use `null`.
 */
function deathSignalProblem(value: unknown): Error | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 0) {
    return nodeError(
      TypeError,
      'ERR_INVALID_ARG_VALUE',
      "The property 'options.deathSignal' must not be 0: use null for a child without a death " +
        'signal. Received 0',
    );
  }
  if (typeof value === 'string' || typeof value === 'number') {
    if (signalNumber(value) !== undefined) return undefined;
    return (
      unknownSignalError(value) ??
      nodeError(TypeError, 'ERR_UNKNOWN_SIGNAL', `Unknown signal: ${value}`)
    );
  }
  const error = nodeSpawnOptionError('killSignal', value);
  return error === undefined ? undefined : renamed(error, 'killSignal', 'deathSignal');
}

/**
 * Throws the error for an invalid `deathSignal` (see {@link deathSignalProblem}), its stack
 * starting at the call of `above` (default: this function's caller).
 */
export function validateDeathSignal(value: unknown, above?: AnyFunction): void {
  const error = deathSignalProblem(value);
  if (error !== undefined) throw restack(error, above ?? validateDeathSignal);
}

/**
 * Throws Node's `ERR_INVALID_ARG_TYPE` for the boolean option `name` unless `value` is a boolean,
 * `undefined` or `null`; its stack starts at the call of `above`.
 */
function validateBooleanOption(value: unknown, name: string, above: AnyFunction): void {
  if (value === undefined || value === null || typeof value === 'boolean') return;
  const error = nodeSpawnOptionError('detached', value);
  if (error !== undefined) throw restack(renamed(error, 'detached', name), above);
}

/** `requireTether` is validated as Node validates a boolean option (naming `options.requireTether`). */
export function validateRequireTether(value: unknown, above?: AnyFunction): void {
  validateBooleanOption(value, 'requireTether', above ?? validateRequireTether);
}

/** `tree` is validated as Node validates a boolean option (naming `options.tree`). */
export function validateTree(value: unknown, above?: AnyFunction): void {
  validateBooleanOption(value, 'tree', above ?? validateTree);
}
