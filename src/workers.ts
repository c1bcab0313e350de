// Workers under tethered/register: node:worker_threads' Worker, wrapped so that every Worker
// created after register ran loads tethered/register before its own code (through its execArgv).
import { realpathSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as workerThreads from 'node:worker_threads';
import { getDefaults } from './defaults.js';
import { warnOnce } from './errors.js';

type WorkerOptions = workerThreads.WorkerOptions;
type NodeWorker = typeof workerThreads.Worker;

/** This package's register module: what every new Worker preloads. */
const REGISTER_PATH = fileURLToPath(new URL('./register.js', import.meta.url));

let installed = false;

/** The file a `--require`/`--import` value names, resolved as Node resolves it (from the cwd). */
function preloadTarget(value: string): string | undefined {
  try {
    const path = value.startsWith('file:')
      ? fileURLToPath(value)
      : createRequire(`${process.cwd()}/`).resolve(value);
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether a Worker created with `options` and no execArgv of its own runs tethered/register
 * through the execArgv it inherits from this thread: a `--require` preload always does, an
 * `--import` preload only when the Worker runs a file (Node 20 to 26 skip it for `eval: true`).
 */
function inheritsRegister(options: WorkerOptions | undefined): boolean {
  const ours = preloadTarget(REGISTER_PATH);
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const match = /^(--require|-r|--import)(?:=(.*))?$/.exec(argv[i] ?? '');
    if (match === null) continue;
    const value = match[2] ?? argv[++i];
    if (value === undefined || ours === undefined || preloadTarget(value) !== ours) continue;
    if (match[1] !== '--import' || options?.eval !== true) return true;
  }
  return false;
}

/**
 * This thread's execArgv without what a Worker may not take (V8 and process-wide options such as
 * --max-old-space-size, which a Worker inheriting its options ignores), learnt from Node's own
 * ERR_WORKER_INVALID_EXEC_ARGV and kept for later Workers.
 */
let inheritableExecArgv: string[] | undefined;

/** `options` with tethered/register preloaded before `execArgv`. */
function withRegister(
  options: WorkerOptions | undefined,
  execArgv: readonly string[],
): WorkerOptions {
  return { ...options, execArgv: ['--require', REGISTER_PATH, ...execArgv] };
}

/** The flags Node named in ERR_WORKER_INVALID_EXEC_ARGV, or undefined for any other error. */
function invalidFlags(error: unknown): string[] | undefined {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof message !== 'string') return undefined;
  const at = message.indexOf(': ');
  return at < 0 ? undefined : message.slice(at + 2).split(', ');
}

/** `argv` without `flags`, and the value that follows a flag given without `=`. */
function without(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!flags.includes(arg)) {
      out.push(arg);
    } else if (!arg.includes('=') && !(argv[i + 1] ?? '-').startsWith('-')) {
      i++;
    }
  }
  return out;
}

/**
 * Makes every Worker created from now on in this environment (and, through their own copy of
 * tethered/register, the Workers they create) load tethered/register before its code.
 */
export function coverWorkers(): void {
  if (installed) return;
  installed = true;
  const cjs = createRequire(import.meta.url)('node:worker_threads') as { Worker: NodeWorker };
  const Original = cjs.Worker;

  /** node:worker_threads' Worker; new instances preload tethered/register (see the README). */
  class Worker extends Original {
    constructor(filename: string | URL, options?: WorkerOptions) {
      getDefaults(); // validated here, and published for the new Worker to inherit
      const given = options?.execArgv;
      if (Array.isArray(given)) {
        // The caller's own execArgv: Node's verdict on it stands.
        super(filename, withRegister(options, given));
        return;
      }
      if (inheritsRegister(options)) {
        super(filename, options);
        return;
      }
      let base = inheritableExecArgv ?? process.execArgv;
      for (let attempt = 0; ; attempt++) {
        try {
          super(filename, withRegister(options, base));
          inheritableExecArgv = base;
          return;
        } catch (error) {
          const flags = invalidFlags(error);
          if (flags === undefined) throw error;
          const next = without(base, flags);
          if (attempt < 3 && next.length < base.length) {
            base = next;
            continue;
          }
          super(filename, options);
          warnOnce(
            'TETHERED_WORKER_NOT_REGISTERED',
            `tethered/register could not make this Worker load it (${(error as Error).message}): ` +
              'children the Worker spawns are not tethered. Start Node with --require ' +
              'tethered/register (Workers inherit it) or give the Worker an execArgv.',
          );
          return;
        }
      }
    }
  }
  Object.defineProperty(Worker, 'name', { value: 'Worker' });
  cjs.Worker = Worker;
  // ESM named imports of node:worker_threads follow the CommonJS exports only after this.
  syncBuiltinESMExports();
}
