// The node binary for a Node major, shared by test-matrix.mjs and soak-suite.mjs: the running
// node serves its own major; other majors come from the npm registry package
// `node-<platform>-<arch>@<major>` (it holds a runnable bin/node), fetched with `npm pack` and
// unpacked under <repo>/.cache/node/<major>/, which later runs reuse.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = fileURLToPath(new URL('../.cache/node/', import.meta.url));

/** `node --version` of a binary, or undefined when it does not run. */
export function versionOf(node) {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

export function majorOf(version) {
  return Number(/^v(\d+)\./.exec(version ?? '')?.[1]);
}

/** Fetches node-<platform>-<arch>@<major> into the cache and returns its bin/node. */
function fetchNode(major) {
  const name = `node-${process.platform}-${process.arch}@${major}`;
  const target = join(CACHE, String(major));
  const scratch = mkdtempSync(join(tmpdir(), 'tethered-node-'));
  try {
    console.log(`[node-major] fetching ${name} with npm pack ...`);
    const pack = spawnSync('npm', ['pack', name, '--silent', '--pack-destination', scratch], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = readdirSync(scratch).find((file) => file.endsWith('.tgz'));
    if (pack.status !== 0 || tarball === undefined) {
      throw new Error(`npm pack ${name} failed (exit ${pack.status})`);
    }
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', join(scratch, tarball), '-C', target], {
      stdio: 'inherit',
    });
    if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return join(target, 'package', 'bin', 'node');
}

/** The node binary for `major`: the running one, a cached one, or a freshly fetched one. */
export function nodeFor(major, refresh) {
  if (majorOf(process.version) === major) return process.execPath;
  const cached = join(CACHE, String(major), 'package', 'bin', 'node');
  if (!refresh && existsSync(cached) && majorOf(versionOf(cached)) === major) return cached;
  const fetched = fetchNode(major);
  const version = versionOf(fetched);
  if (majorOf(version) !== major) {
    throw new Error(`${fetched} reports ${version ?? 'nothing'}, not Node ${major}`);
  }
  return fetched;
}
