// register(): what importing tethered/register does, as a function that also takes defaults.
import { getDefaults, setDefaults, type TetherDefaults } from './defaults.js';
import { armedSpawn } from './seam.js';
import { armedSpawnSync } from './sync.js';
import { coverWorkers } from './workers.js';

/**
 * Tethers every child this environment spawns from now on, as importing `tethered/register`
 * does (libraries and `node:child_process` imports included, the sync functions too), makes every Worker created
 * afterwards load `tethered/register` first, and, given `defaults`, sets the process-wide
 * defaults first (see {@link setDefaults}; per-call options win). Calling it again only updates
 * the defaults. Not in `node:child_process`.
 */
export function register(defaults?: TetherDefaults): void {
  // A bad TETHERED_DEFAULTS (or argument) throws here, before anything is registered.
  if (defaults === undefined) getDefaults();
  else setDefaults(defaults);
  armedSpawn.tetherEveryCall();
  armedSpawnSync.tetherEveryCall();
  coverWorkers();
}
