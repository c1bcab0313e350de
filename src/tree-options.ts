// Validation of the tree-mode options, with Node's error shapes.
import { nodeError } from './errors.js';

/** Node's ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE for a grace period that is not 0..2^31-1 ms. */
export function validateTreeGraceMs(value: unknown, name = 'options.treeGraceMs'): void {
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

/** `tree: true` with `deathSignal: null` asks for two opposite things. */
export function treeWithoutDeathSignal(): Error {
  return nodeError(
    TypeError,
    'ERR_INVALID_ARG_VALUE',
    'The "options.deathSignal" property cannot be null when "options.tree" is true: a tree child is always tethered (use deathSignal: "SIGKILL" for no grace period)',
  );
}
