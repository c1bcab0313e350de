// `import 'tethered/register'` (or `node --import tethered/register app.js`): every spawn, exec,
// execFile and fork in this environment is tethered, including calls made inside libraries and
// through ESM named imports, because the seam is Node's own ChildProcess.prototype.spawn.
// spawnSync/execSync/execFileSync are left alone. Importing it twice is harmless.
import { registerGlobally } from './seam.js';

registerGlobally();
