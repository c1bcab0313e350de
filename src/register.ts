// `import 'tethered/register'` (or `node --import tethered/register app.js`): every spawn, exec,
// execFile, fork, spawnSync, execSync and execFileSync in this environment is tethered, including
// calls made inside libraries and through ESM named imports, because the seams are Node's own
// ChildProcess.prototype.spawn and the spawn_sync binding. Importing it twice is harmless.
import { registerGlobally } from './seam.js';
import { registerSyncGlobally } from './sync.js';

registerGlobally();
registerSyncGlobally();
