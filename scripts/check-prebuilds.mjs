#!/usr/bin/env node
// Checks what `npm run prebuildify:all` made, as the last step of that script (and of CI):
// prebuilds/linux-x64/ and prebuilds/linux-arm64/ each hold an N-API addon whose ELF header names
// that directory's machine, and `npm pack --dry-run` lists both, so the published tarball carries
// them. Exits 1 with the reason otherwise.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** ELF e_machine of each prebuild directory this package ships. */
const MACHINES = { 'linux-x64': 62 /* EM_X86_64 */, 'linux-arm64': 183 /* EM_AARCH64 */ };

/** e_machine of an ELF file, or undefined when it is not one (64-bit little-endian only). */
function elfMachine(file) {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, header.length, 0) < header.length) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1', 0, 4) !== '\x7fELF' || header[4] !== 2 || header[5] !== 1) {
    return undefined;
  }
  return header.readUInt16LE(18);
}

const problems = [];
for (const [dir, machine] of Object.entries(MACHINES)) {
  let files = [];
  try {
    files = readdirSync(join(ROOT, 'prebuilds', dir));
  } catch {
    // reported below: no addon
  }
  if (!files.some((file) => file.endsWith('.node')))
    problems.push(`prebuilds/${dir}/ has no addon`);
  for (const file of files) {
    const found = elfMachine(join(ROOT, 'prebuilds', dir, file));
    if (found !== machine) {
      problems.push(`prebuilds/${dir}/${file}: ELF machine ${found}, expected ${machine}`);
    }
  }
}

// --ignore-scripts: lib/ is already built; only the listing matters here.
const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
  cwd: ROOT,
  encoding: 'utf8',
});
if (pack.status !== 0) {
  problems.push(`npm pack --dry-run failed:\n${pack.stderr}`);
} else {
  const [info] = JSON.parse(pack.stdout);
  const listed = (info?.files ?? []).map((file) => file.path);
  for (const dir of Object.keys(MACHINES)) {
    const addons = listed.filter((path) => path.startsWith(`prebuilds/${dir}/`));
    if (!addons.some((path) => path.endsWith('.node'))) {
      problems.push(`the tarball lists no prebuilds/${dir}/*.node`);
    } else {
      console.log(`check-prebuilds: the tarball lists ${addons.join(', ')}`);
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-prebuilds: ${problem}`);
  process.exit(1);
}
console.log('check-prebuilds: linux-x64 is x86-64 and linux-arm64 is AArch64');
