// `import 'tethered/register'` (or `node --import tethered/register app.js`): every spawn, exec,
// execFile, fork, spawnSync, execSync and execFileSync in this environment is tethered, including
// calls made inside libraries and through ESM named imports, because the seams are Node's own
// ChildProcess.prototype.spawn and the spawn_sync binding; every Worker created afterwards loads
// this module first, so it is covered too. Defaults come from TETHERED_DEFAULTS or a later
// register({...}) call. Importing it twice is harmless.
import { register } from './register-api.js';

export { register } from './register-api.js';
export type { TetherDefaults } from './defaults.js';

register();
