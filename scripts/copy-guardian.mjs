// After `npm run prebuildify` (the postprebuildify hook): puts the guardian built beside the addon
// into prebuilds/linux-<arch>/ as well, where the addon finds it as the fallback to its embedded
// copy (systems that forbid executing memfds). The cross build copies its own (arm64) guardian.
import { copyFileSync, existsSync } from 'node:fs';

const from = 'build/Release/tethered-guardian';
const dir = `prebuilds/linux-${process.arch}`;
if (process.platform === 'linux' && existsSync(from) && existsSync(dir)) {
  copyFileSync(from, `${dir}/tethered-guardian`);
}
