// The npm tarball, installed as a user would: prebuild, no compiler, ESM/CJS/register consumers,
// and the forced fallback.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  copySources,
  pack,
  packDependencies,
  repoRoot,
  run,
  toolsWithoutCompiler,
  type Packed,
  type Run,
} from './workspace.js';

const SIGTERM = 15;
const pdeathsig = join(repoRoot, 'test/fixtures/pdeathsig.py');
const fixtures = join(repoRoot, 'test/packaging/fixtures');

let work = '';
let packed: Packed;
let dependencies: string[];
let noCompilerPath = '';
let install: Run;
let consumer = '';

/** A fresh consumer project; `npm install --offline` of the tarballs with only node/npm/sh. */
function installConsumer(name: string, extraEnv: Record<string, string> = {}): [string, Run] {
  const dir = join(work, name);
  cpSync(fixtures, dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, private: true })}\n`);
  const env = {
    HOME: process.env['HOME'] ?? work,
    PATH: noCompilerPath,
    // An empty cache: nothing may come from the network or from earlier installs.
    npm_config_cache: join(work, `${name}-npm-cache`),
    ...extraEnv,
  };
  const args = ['install', '--offline', '--no-audit', '--no-fund', packed.tarball, ...dependencies];
  return [dir, run('npm', args, dir, env)];
}

/** Runs a consumer fixture and parses the JSON line it prints. */
function runFixture(file: string, env: Record<string, string> = {}): Record<string, unknown> {
  const result = run(process.execPath, [file, pdeathsig], consumer, cleanEnv(env));
  expect(result.status, `${file} failed:\n${result.output}`).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tethered-packaging-'));
  const source = join(work, 'package');
  copySources(source);
  const env = cleanEnv();
  const prebuildify = run('npm', ['run', 'prebuildify'], source, env);
  if (prebuildify.status !== 0) throw new Error(`prebuildify failed:\n${prebuildify.output}`);
  packed = pack(source, work, env);
  dependencies = packDependencies(join(work, 'dependencies'), env);
  noCompilerPath = toolsWithoutCompiler(join(work, 'bin'));
  [consumer, install] = installConsumer('consumer');
}, 300_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('holds lib/, native/, binding.gyp and a prebuild; no tests, sources, benchmarks or maps', () => {
    const files = packed.files;
    expect(files).toContain('lib/index.js');
    expect(files).toContain('lib/index.d.ts');
    expect(files).toContain('lib/register.js');
    expect(files).toContain('binding.gyp');
    expect(files).toContain('native/addon.cc');
    // Only the host's prebuild: linux-arm64 needs the cross compiler, so `npm run prebuildify:all`
    // and scripts/check-prebuilds.mjs check the tarball for both in CI, outside this suite.
    expect(files.some((file) => /^prebuilds\/linux-x64\/[^/]+\.node$/.test(file))).toBe(true);
    const unexpected = files.filter(
      (file) =>
        !/^(lib|native|prebuilds)\//.test(file) &&
        !['binding.gyp', 'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(file),
    );
    expect(unexpected).toEqual([]);
    // Source maps would point at src/, which is not shipped.
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('installs into a fresh project with no compiler on PATH, using the prebuild', () => {
    expect(install.output).not.toMatch(/gyp ERR!/);
    expect(install.status).toBe(0);
    expect(existsSync(join(consumer, 'node_modules/tethered/prebuilds/linux-x64'))).toBe(true);
    // Nothing was compiled.
    expect(existsSync(join(consumer, 'node_modules/tethered/build'))).toBe(false);
  });

  it('cannot be built from source there: npm_config_build_from_source=true fails', () => {
    const [, forced] = installConsumer('from-source', { npm_config_build_from_source: 'true' });
    expect(forced.status).not.toBe(0);
    expect(forced.output).toMatch(/gyp ERR!/);
  });
});

describe('consumers of the installed package', () => {
  it("ESM `import { spawn } from 'tethered'` spawns a tethered child", () => {
    expect(runFixture('esm.mjs')).toEqual({ deathSignal: SIGTERM, capability: true });
  });

  it("CommonJS `require('tethered')` spawns a tethered child", () => {
    expect(runFixture('cjs.cjs')).toEqual({ deathSignal: SIGTERM, capability: true });
  });

  it("`import 'tethered/register'` tethers node:child_process's own spawn", () => {
    expect(runFixture('register.mjs')).toEqual({ deathSignal: SIGTERM });
  });

  it('tree: true works from the prebuild: the guardian embedded in the .node, or the file beside it', () => {
    expect(packed.files).toContain('prebuilds/linux-x64/tethered-guardian');
    expect(runFixture('tree.mjs')).toEqual({ tree: true, parentComm: 'tethered-guard' });
    // Where memfds may not be executed: the copy in prebuilds/ beside the addon.
    expect(runFixture('tree.mjs', { TETHERED_TEST_NO_MEMFD: '1' })).toEqual({
      tree: true,
      parentComm: 'tethered-guard',
    });
  });

  it('without the addon: spawn works untethered, capabilities() says why, requireTether throws', () => {
    const report = runFixture('fallback.mjs', { TETHERED_FORCE_FALLBACK: '1' });
    expect(report['deathSignal']).toBe(0);
    expect(report['capability']).toBe(false);
    expect(report['fallbackReason']).toMatch(/TETHERED_FORCE_FALLBACK/);
    expect(report['requireTether']).toBe('ERR_TETHER_UNAVAILABLE');
  });
});
