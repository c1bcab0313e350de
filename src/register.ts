// `import 'tethered/register'` (or `node --import tethered/register app.js`): every spawn, exec,
// execFile and fork in this environment is tethered, including calls made inside libraries and
// through ESM named imports, because the seam is Node's own ChildProcess.prototype.spawn; every
// Worker created afterwards loads this module first, so it is covered too. Defaults come from
// TETHERED_DEFAULTS or a later register({...}) call. spawnSync/execSync/execFileSync are left
// alone. Importing it twice is harmless.
import { register } from './register-api.js';

export { register } from './register-api.js';
export type { TetherDefaults } from './defaults.js';

register();
