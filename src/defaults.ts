// Process-wide defaults for the options tethered adds: set by register({...}) or the
// TETHERED_DEFAULTS environment variable, read by every tethered spawn; per-call options win.
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { nodeError, reworded } from './errors.js';
import { VALIDATORS, type OptionName } from './options.js';
import type { TetherOptions } from './types.js';

/** The defaults a process can set: the options tethered adds to every call. */
export type TetherDefaults = Pick<TetherOptions, OptionName>;

/** The name of the environment variable read for defaults (a JSON object). */
const DEFAULTS_VARIABLE = 'TETHERED_DEFAULTS';

/** Key under which a thread's defaults are handed to the Workers it creates. */
const ENVIRONMENT_DATA_KEY = 'tethered:defaults';

let current: Readonly<TetherDefaults> | undefined;

function invalidDefaults(message: string): Error {
  return nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', message);
}

/** Validates `input` (from `source`, named in errors) and returns a frozen copy. */
function checked(input: unknown, source: string): Readonly<TetherDefaults> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidDefaults(`${source} must be an object, e.g. { "deathSignal": "SIGKILL" }`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!Object.hasOwn(VALIDATORS, key)) {
      const known = Object.keys(VALIDATORS).join(', ');
      throw invalidDefaults(`${source} has an unknown key '${key}' (known: ${known})`);
    }
    if (value === undefined) continue;
    VALIDATORS[key as OptionName](value, checked);
    out[key] = value;
  }
  return Object.freeze(out as TetherDefaults);
}

/** The defaults from TETHERED_DEFAULTS, or {} when it is unset or empty. */
function fromEnvironment(): Readonly<TetherDefaults> {
  const text = process.env[DEFAULTS_VARIABLE];
  if (text === undefined || text.trim() === '') return Object.freeze({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidDefaults(
      `${DEFAULTS_VARIABLE} is not valid JSON (${(error as Error).message}): ${text}`,
    );
  }
  try {
    return checked(parsed, DEFAULTS_VARIABLE);
  } catch (error) {
    if (error instanceof Error && !error.message.startsWith(DEFAULTS_VARIABLE)) {
      reworded(error, `${DEFAULTS_VARIABLE}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * This environment's defaults. A Worker starts with the defaults of the thread that created it;
 * otherwise they come from TETHERED_DEFAULTS, read (and validated) on first use.
 */
export function getDefaults(): Readonly<TetherDefaults> {
  if (current === undefined) {
    const inherited: unknown = getEnvironmentData(ENVIRONMENT_DATA_KEY);
    current =
      inherited === undefined ? fromEnvironment() : checked(inherited, 'inherited defaults');
    setEnvironmentData(ENVIRONMENT_DATA_KEY, { ...current });
  }
  return current;
}

/**
 * Sets the defaults of this environment and of the Workers it creates from now on, on top of the
 * current ones (a key given as `undefined` goes back to tethered's own default). Validated
 * exactly like the per-call options; throws without changing anything on a bad value.
 */
export function setDefaults(defaults: TetherDefaults): Readonly<TetherDefaults> {
  const update = checked(defaults, 'the defaults');
  const merged: Record<string, unknown> = { ...getDefaults(), ...update };
  for (const [key, value] of Object.entries(defaults)) {
    if (value === undefined) Reflect.deleteProperty(merged, key);
  }
  current = Object.freeze(merged as TetherDefaults);
  setEnvironmentData(ENVIRONMENT_DATA_KEY, { ...current });
  return current;
}
