// Builds what the packaging test installs, in a temporary directory (never in the working tree,
// where other builds may be running): a copy of the package, its prebuild, its npm tarball, and
// tarballs of its dependencies so that the consumer install needs neither network nor npm cache.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Top-level entries of the working tree that are build output, not sources. */
const NOT_SOURCES = new Set(['node_modules', 'build', 'lib', 'prebuilds', '.git', '.cache']);

/** The environment without npm's per-run variables (set when this runs under `npm test`). */
export function cleanEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, ...overrides };
}

export interface Run {
  status: number | null;
  output: string;
}

/** Runs `command` to completion; stdout and stderr together in `output`. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Run & { stdout: string } {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 480_000,
  });
  const error = result.error === undefined ? '' : `\n${result.error.message}`;
  return {
    status: result.status,
    stdout: result.stdout,
    output: `${result.stdout}${result.stderr}${error}`,
  };
}

/** First `name` found on the current PATH. */
export function onPath(name: string): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  throw new Error(`${name} is not on PATH`);
}

/**
 * A PATH directory holding only `node`, `npm` and `sh` (npm runs package scripts with `sh`): no
 * python, make or C++ compiler, so node-gyp cannot build anything from there.
 */
export function toolsWithoutCompiler(dir: string): string {
  mkdirSync(dir);
  symlinkSync(process.execPath, join(dir, 'node'));
  symlinkSync(onPath('npm'), join(dir, 'npm'));
  symlinkSync(onPath('sh'), join(dir, 'sh'));
  return dir;
}

/** Copies the package's sources (not its build output) to `dir`, sharing node_modules. */
export function copySources(dir: string): void {
  cpSync(repoRoot, dir, {
    recursive: true,
    filter: (source) => {
      const top = relative(repoRoot, source).split(sep)[0] ?? '';
      return !NOT_SOURCES.has(top) && !source.endsWith('.tgz');
    },
  });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
}

export interface Packed {
  tarball: string;
  files: string[];
  size: number;
}

/** `npm pack` of the package in `dir` into `destination` (its prepack builds lib/ and strips prepare). */
export function pack(dir: string, destination: string, env: Record<string, string>): Packed {
  const result = run('npm', ['pack', '--json', '--pack-destination', destination], dir, env);
  if (result.status !== 0) throw new Error(`npm pack failed:\n${result.output}`);
  const [info] = JSON.parse(result.stdout) as {
    filename: string;
    size: number;
    files: { path: string }[];
  }[];
  if (info === undefined) throw new Error(`npm pack printed no package:\n${result.output}`);
  return {
    tarball: join(destination, info.filename),
    files: info.files.map((file) => file.path),
    size: info.size,
  };
}

/** Tarballs of the package's runtime dependencies, packed from the installed node_modules. */
export function packDependencies(destination: string, env: Record<string, string>): string[] {
  mkdirSync(destination);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const dirs = Object.keys(manifest.dependencies ?? {}).map((name) =>
    join(repoRoot, 'node_modules', name),
  );
  const args = ['pack', ...dirs, '--ignore-scripts', '--pack-destination', destination];
  const result = run('npm', args, destination, env);
  if (result.status !== 0) throw new Error(`npm pack of dependencies failed:\n${result.output}`);
  return readdirSync(destination).map((file) => join(destination, file));
}
