// Process-wide defaults for options tethered adds. Shaped to merge with register({...}) defaults:
// getDefaults()/setDefaults() hold the values; the environment variable seeds them at load.
import { validateTreeGraceMs } from './tree-options.js';

/** Defaults applied to every tethered child whose call does not set the option itself. */
export interface TetherDefaults {
  /**
   * Run every tethered child in tree mode (see `tree` in {@link TetherOptions}). Children whose
   * death signal is `null` (untethered, or `detached: true` without `deathSignal`) are left out.
   * Default `false`, or `true` when the environment has `TETHERED_TREE=1` at load.
   */
  tree: boolean;
  /** Default grace period for tree children, in milliseconds. Default 3000. */
  treeGraceMs: number;
}

/** Three seconds: long enough for a graceful shutdown, short enough not to leave a hung host. */
export const DEFAULT_TREE_GRACE_MS = 3000;

const defaults: TetherDefaults = {
  tree: process.env['TETHERED_TREE'] === '1',
  treeGraceMs: DEFAULT_TREE_GRACE_MS,
};

/** The current process-wide defaults (a copy). Not in `node:child_process`. */
export function getDefaults(): TetherDefaults {
  return { ...defaults };
}

/**
 * Changes process-wide defaults for every later tethered spawn in this environment (each
 * environment, main thread or Worker, has its own). Not in `node:child_process`.
 */
export function setDefaults(changes: Partial<TetherDefaults>): void {
  if (changes.tree !== undefined) {
    if (typeof changes.tree !== 'boolean')
      throw invalidType('changes.tree', 'boolean', changes.tree);
    defaults.tree = changes.tree;
  }
  if (changes.treeGraceMs !== undefined) {
    validateTreeGraceMs(changes.treeGraceMs, 'changes.treeGraceMs');
    defaults.treeGraceMs = changes.treeGraceMs;
  }
}

function invalidType(name: string, type: string, value: unknown): TypeError {
  const error = new TypeError(
    `The "${name}" property must be of type ${type}. Received ${typeof value}`,
  ) as TypeError & { code: string };
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}
