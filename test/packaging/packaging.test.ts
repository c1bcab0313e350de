// The npm tarball, installed as a user would: with the prebuild, with no matching prebuild and no
// compiler (the install still succeeds), on a platform reported as darwin or win32, with
// --ignore-scripts; ESM/CJS/register consumers, and the forced fallback.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** Bound for a test that runs `npm install` (run() bounds each command by the same). */
const INSTALL_TIMEOUT = 240_000;
const pdeathsig = join(repoRoot, 'test/fixtures/pdeathsig.py');
const fixtures = join(repoRoot, 'test/packaging/fixtures');

let work = '';
let packed: Packed;
let dependencies: string[];
let noCompilerPath = '';
let install: Run;
let consumer = '';
/** A consumer installed with --ignore-scripts (its install script is run by hand below). */
let scriptless = '';
let scriptlessInstall: Run;

/** A fresh consumer project; `npm install --offline` of the tarballs with only node/npm/sh. */
function installConsumer(
  name: string,
  extraEnv: Record<string, string> = {},
  extraArgs: string[] = [],
): [string, Run] {
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
  const args = [
    'install',
    '--offline',
    '--no-audit',
    '--no-fund',
    ...extraArgs,
    packed.tarball,
    ...dependencies,
  ];
  return [dir, run('npm', args, dir, env)];
}

/** Runs a consumer fixture and parses the JSON line it prints; `stderr` gets what it printed there. */
function runFixture(
  file: string,
  env: Record<string, string> = {},
  dir = consumer,
  nodeArgs: string[] = [],
): Record<string, unknown> {
  const result = run(process.execPath, [...nodeArgs, file, pdeathsig], dir, cleanEnv(env));
  expect(result.status, `${file} failed:\n${result.output}`).toBe(0);
  const report = JSON.parse(result.stdout) as Record<string, unknown>;
  return { ...report, stderr: result.output.slice(result.stdout.length) };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tethered-packaging-'));
  const source = join(work, 'package');
  copySources(source);
  const env = cleanEnv();
  // node-gyp compiles on every core (JOBS): the addon is a dozen files, each slow under load.
  const prebuildify = run('npm', ['run', 'prebuildify'], source, { ...env, JOBS: 'max' });
  if (prebuildify.status !== 0) throw new Error(`prebuildify failed:\n${prebuildify.output}`);
  packed = pack(source, work, env);
  dependencies = packDependencies(join(work, 'dependencies'), env);
  noCompilerPath = toolsWithoutCompiler(join(work, 'bin'));
  [consumer, install] = installConsumer('consumer');
  [scriptless, scriptlessInstall] = installConsumer('ignore-scripts', {}, ['--ignore-scripts']);
}, 600_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('has no prepare script in its package.json (npm 11 lists it as an install script to allow)', () => {
    const untar = run('tar', ['-xzOf', packed.tarball, 'package/package.json'], work, cleanEnv());
    expect(untar.status, untar.output).toBe(0);
    const manifest = JSON.parse(untar.stdout) as {
      scripts: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    expect(manifest.scripts['prepare']).toBeUndefined();
    expect(manifest.scripts['install']).toBe('node scripts/install.cjs');
    // The typings import @types/node; JavaScript users need not install it.
    expect(manifest.peerDependencies?.['@types/node']).toBeDefined();
    expect(manifest.peerDependenciesMeta?.['@types/node']?.optional).toBe(true);
    // ... while the working tree keeps it for git installs (postpack put it back).
    const source = JSON.parse(readFileSync(join(work, 'package/package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(source.scripts['prepare']).toBe('npm run build:ts');
  });

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
        ![
          'scripts/install.cjs',
          'binding.gyp',
          'package.json',
          'README.md',
          'CHANGELOG.md',
          'LICENSE',
        ].includes(file),
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

  it(
    'no matching prebuild (musl) and no compiler: the install succeeds, says what is missing; spawn falls back with the warning',
    () => {
      // node-gyp-build reads the libc from LIBC: the tarball's glibc prebuild does not match, as on
      // Alpine.
      const [dir, musl] = installConsumer('musl', { LIBC: 'musl' }, ['--foreground-scripts']);
      expect(musl.status, musl.output).toBe(0);
      const lines = musl.output.split('\n').filter((line) => line.startsWith('tethered: '));
      expect(lines).toEqual([
        'tethered: no prebuilt addon matches this system and python3, make, a C++ compiler ' +
          '(g++ or clang++) not found: children will start untethered (TETHERED_NO_ADDON). To get ' +
          'the tether, install python3, make and a C++ compiler (e.g. build-essential, or ' +
          'build-base on Alpine), then run `npm rebuild tethered`.',
      ]);
      expect(musl.output).not.toMatch(/gyp ERR!/);
      expect(existsSync(join(dir, 'node_modules/tethered/build'))).toBe(false);
      const report = runFixture('no-addon.mjs', { LIBC: 'musl' }, dir);
      expect(report['deathSignals']).toEqual([0, 0]);
      expect(report['requireTether']).toBe('ERR_TETHER_UNAVAILABLE');
      expect(String(report['stderr'])).toMatch(/\[TETHERED_NO_ADDON\] TetheredWarning: /);
    },
    INSTALL_TIMEOUT,
  );

  it('npm_config_build_from_source=true without a compiler: the install script exits 0 and says so', () => {
    // The install script as npm runs it, in the project installed with --ignore-scripts.
    const script = join(scriptless, 'node_modules/tethered/scripts/install.cjs');
    const env = { ...cleanEnv({ npm_config_build_from_source: 'true' }), PATH: noCompilerPath };
    const forced = run(process.execPath, [script], scriptless, env);
    expect(forced.status, forced.output).toBe(0);
    expect(forced.output).toMatch(
      /^tethered: building from source and python3, make, .* not found/,
    );
    expect(forced.output.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(scriptless, 'node_modules/tethered/build'))).toBe(false);
  });
});

describe.each(['darwin', 'win32'])('on a platform reported as %s', (platform) => {
  const preload = ['--import', join(fixtures, 'platform.mjs')];

  it("the install script does nothing and exits 0; spawn is Node's, with no warning", () => {
    // No prebuild matches (LIBC) and no compiler is on PATH: only the platform check keeps the
    // script from trying a build.
    const dir = scriptless;
    const env = {
      ...cleanEnv({ TETHERED_TEST_PLATFORM: platform, LIBC: 'musl' }),
      PATH: noCompilerPath,
    };
    const script = join(dir, 'node_modules/tethered/scripts/install.cjs');
    const installScript = run(process.execPath, [...preload, script], dir, env);
    expect(installScript).toMatchObject({ status: 0, output: '' });
    expect(existsSync(join(dir, 'node_modules/tethered/build'))).toBe(false);
    const report = runFixture('no-addon.mjs', { TETHERED_TEST_PLATFORM: platform }, dir, preload);
    expect(report).toEqual({
      deathSignals: [0, 0],
      capability: false,
      fallbackReason: `tethered needs Linux (this is ${platform})`,
      requireTether: 'ERR_TETHER_UNAVAILABLE',
      stderr: '',
    });
  });
});

describe('consumers of the installed package', () => {
  it("ESM `import { spawn } from 'tethered'` spawns a tethered child", () => {
    // ... and prints nothing: no TetheredWarning when the addon works.
    expect(runFixture('esm.mjs')).toEqual({ deathSignal: SIGTERM, capability: true, stderr: '' });
  });

  it("CommonJS `require('tethered')` spawns a tethered child", () => {
    expect(runFixture('cjs.cjs')).toEqual({ deathSignal: SIGTERM, capability: true, stderr: '' });
  });

  it("`import 'tethered/register'` tethers node:child_process's own spawn", () => {
    expect(runFixture('register.mjs')).toEqual({ deathSignal: SIGTERM, stderr: '' });
  });

  it('tree: true works from the prebuild: the guardian embedded in the .node, or the file beside it', () => {
    expect(packed.files).toContain('prebuilds/linux-x64/tethered-guardian');
    expect(runFixture('tree.mjs')).toEqual({
      tree: true,
      parentComm: 'tethered-guard',
      stderr: '',
    });
    // Where memfds may not be executed: the copy in prebuilds/ beside the addon.
    expect(runFixture('tree.mjs', { TETHERED_TEST_NO_MEMFD: '1' })).toEqual({
      tree: true,
      parentComm: 'tethered-guard',
      stderr: '',
    });
  });

  it('without the addon: spawn works untethered, capabilities() says why, requireTether throws', () => {
    const report = runFixture('fallback.mjs', { TETHERED_FORCE_FALLBACK: '1' });
    expect(report['deathSignal']).toBe(0);
    expect(report['capability']).toBe(false);
    expect(report['fallbackReason']).toMatch(/TETHERED_FORCE_FALLBACK/);
    expect(report['requireTether']).toBe('ERR_TETHER_UNAVAILABLE');
    // The forced fallback is a deliberate test switch: it warns about nothing.
    expect(report['stderr']).toBe('');
  });

  it(
    'installed with --ignore-scripts and no matching prebuild: one TetheredWarning at the first spawn, sync or not',
    () => {
      const dir = scriptless;
      expect(scriptlessInstall.status, scriptlessInstall.output).toBe(0);
      // node-gyp-build loads the prebuild at run time: tethered without an install script.
      expect(runFixture('esm.mjs', {}, dir)).toEqual({
        deathSignal: SIGTERM,
        capability: true,
        stderr: '',
      });
      // No prebuild for this platform, and no build (install scripts did not run).
      rmSync(join(dir, 'node_modules/tethered/prebuilds'), { recursive: true, force: true });
      expect(existsSync(join(dir, 'node_modules/tethered/build'))).toBe(false);
      const report = runFixture('no-addon.mjs', {}, dir);
      expect(report['deathSignals']).toEqual([0, 0]);
      expect(report['capability']).toBe(false);
      expect(report['fallbackReason']).toMatch(/the native addon did not load: No native build/);
      expect(report['requireTether']).toBe('ERR_TETHER_UNAVAILABLE');
      const stderr = String(report['stderr']);
      const warnings = stderr.split('\n').filter((line) => line.includes('TetheredWarning'));
      expect(warnings, stderr).toHaveLength(1);
      expect(warnings[0]).toMatch(/^\(node:\d+\) \[TETHERED_NO_ADDON\] TetheredWarning: /);
      expect(warnings[0]).toMatch(/No native build was found/);
      expect(warnings[0]).toMatch(/npm rebuild tethered/);
      // The synchronous functions alone warn the same way, once.
      const sync = runFixture('no-addon-sync.mjs', {}, dir);
      expect(sync).toMatchObject({
        statuses: [0, 'ok\n'],
        requireTether: 'ERR_TETHER_UNAVAILABLE',
      });
      const syncWarnings = String(sync['stderr'])
        .split('\n')
        .filter((line) => line.includes('TetheredWarning'));
      expect(syncWarnings, String(sync['stderr'])).toHaveLength(1);
      expect(syncWarnings[0]).toMatch(/\[TETHERED_NO_ADDON\] TetheredWarning: .*No native build/);
      // The same install with the documented test switch: silent.
      const forced = runFixture('no-addon.mjs', { TETHERED_FORCE_FALLBACK: '1' }, dir);
      expect(forced['stderr']).toBe('');
    },
    INSTALL_TIMEOUT,
  );
});
