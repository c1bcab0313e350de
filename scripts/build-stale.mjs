#!/usr/bin/env node
// Builds what is stale before a test run, so that the suite never tests an old build:
// - lib/ (tsc -p tsconfig.build.json) when a file under src/ is newer than its compiled .js, has
//   none, or a tsconfig is newer than the oldest compiled file;
// - the addon (node-gyp) when a file under native/ (at any depth) or binding.gyp is newer than the
//   addon the library would load (build/Release, else the prebuild for this platform), or when
//   there is none.
// Throws, with the compiler's output, when a build fails. test/global-setup.ts runs it before every
// vitest run; `node scripts/build-stale.mjs` runs it alone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every file under `dir`, at any depth (none when it does not exist). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function modified(path) {
  return statSync(path).mtimeMs;
}

/** Why lib/ must be rebuilt, or undefined when it is up to date. */
export function staleTypeScript(root = ROOT) {
  const sources = filesUnder(join(root, 'src')).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.d.ts'),
  );
  let oldestOutput = Infinity;
  for (const source of sources) {
    const output = join(root, 'lib', relative(join(root, 'src'), source).replace(/\.ts$/, '.js'));
    if (!existsSync(output)) return `${relative(root, output)} is missing`;
    const outputTime = modified(output);
    if (modified(source) > outputTime) return `${relative(root, source)} is newer than lib/`;
    oldestOutput = Math.min(oldestOutput, outputTime);
  }
  for (const config of ['tsconfig.json', 'tsconfig.build.json']) {
    const path = join(root, config);
    if (existsSync(path) && modified(path) > oldestOutput) return `${config} is newer than lib/`;
  }
  return undefined;
}

/** The addon file the library loads here, or undefined when there is none. */
export function builtAddon(root = ROOT) {
  const local = join(root, 'build', 'Release', 'tethered.node');
  if (existsSync(local)) return local;
  const prebuilds = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  return filesUnder(prebuilds).find((file) => file.endsWith('.node'));
}

/** Why the addon must be rebuilt, or undefined when it is up to date. */
export function staleAddon(root = ROOT) {
  const addon = builtAddon(root);
  if (addon === undefined) return 'the addon is not built';
  const addonTime = modified(addon);
  const sources = [...filesUnder(join(root, 'native')), join(root, 'binding.gyp')];
  const newer = sources.find((file) => existsSync(file) && modified(file) > addonTime);
  return newer === undefined ? undefined : `${relative(root, newer)} is newer than the addon`;
}

function run(command, args, root) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  if (result.status === 0) return;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  const reason = result.error?.message ?? `exit ${result.status ?? result.signal}`;
  throw new Error(`\`${[command, ...args].join(' ')}\` failed (${reason}):\n${output}`);
}

/** Builds whatever is stale under `root` with this checkout's tools; `log` hears each build. */
export function buildStale(root = ROOT, log = (line) => console.log(line)) {
  const addonReason = process.platform === 'linux' ? staleAddon(root) : undefined;
  if (addonReason !== undefined) {
    log(`[build] ${addonReason}: node-gyp rebuild`);
    const nodeGyp = join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    try {
      run(process.execPath, [nodeGyp, 'rebuild'], root);
    } catch (error) {
      throw new Error(
        `the native addon is stale or missing (${addonReason}) and could not be built; ` +
          `install a C++ toolchain (make, g++ or clang++, python3) and run \`npm run build:native\`\n` +
          error.message,
        { cause: error },
      );
    }
  }
  const typeScriptReason = staleTypeScript(root);
  if (typeScriptReason !== undefined) {
    log(`[build] ${typeScriptReason}: tsc -p tsconfig.build.json`);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], root);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildStale();
}
