// From the arguments Node passes to its Process handle's spawn() to the addon's flat launch
// request: one socketpair per 'pipe' slot, fds for the others, strings as Node's C++ reads them;
// and, after the launch, the parent ends handed to Node's Pipe handles or closed.
import { constants as osConstants } from 'node:os';
import type { LaunchArgs, NativeBinding } from './binding.js';
import type { LaunchMode } from './options.js';

export const UV_EINVAL = -osConstants.errno.EINVAL;

/**
 * Failures after which libuv still opens the parent ends of 'pipe' slots (the child existed or
 * fork itself failed), so Node's sockets see EOF. Node throws for every other errno and, on
 * EMFILE/ENFILE, never wraps the pipes: those ends are closed here instead.
 */
const OPENS_PIPES_ON_FAILURE = new Set([
  -osConstants.errno.ENOENT,
  -osConstants.errno.EACCES,
  -osConstants.errno.EAGAIN,
]);

const [UV_MAJOR = 0, UV_MINOR = 0] = process.versions.uv.split('.').map(Number);

/** libuv >= 1.51 gives both directions of a 'pipe' socketpair a 64 KiB buffer. */
export const PIPE_BUFFER_SIZE = UV_MAJOR > 1 || (UV_MAJOR === 1 && UV_MINOR >= 51) ? 64 * 1024 : 0;

/** One stdio entry as Node's getValidStdio() hands it to the handle. */
export interface StdioEntry {
  type: string;
  fd?: number;
  handle?: { open?(fd: number): number; fd?: number; close?(): void };
}

/**
 * The options Node passes to `handle.spawn`, as one object (Node 20/22) or positionally; and
 * those it passes to `spawn_sync.spawn`, which have the same names.
 */
export interface HandleSpawnOptions {
  file: string;
  args?: unknown[];
  cwd?: unknown;
  envPairs?: unknown[];
  stdio?: StdioEntry[];
  detached?: boolean;
  uid?: unknown;
  gid?: unknown;
}

const DETACHED_FLAG = 1; // processConstants.kProcessFlagDetached on Node >= 24

/** Node's `handle.spawn(options)` / `handle.spawn(file, args, cwd, env, stdio, flags, uid, gid)`. */
export function readSpawnArguments(args: unknown[]): HandleSpawnOptions {
  if (args.length === 1 && typeof args[0] === 'object' && args[0] !== null) {
    return args[0] as HandleSpawnOptions;
  }
  const [file, argv, cwd, envPairs, stdio, flags, uid, gid] = args;
  return {
    file: file as string,
    args: argv as unknown[],
    cwd,
    envPairs: envPairs as unknown[],
    stdio: stdio as StdioEntry[],
    detached: ((flags as number) & DETACHED_FLAG) !== 0,
    uid,
    gid,
  };
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value;
}

/**
 * Whether Node's process handle reads a value whose ToString throws (a symbol, a throwing
 * `toString`) in `args` or `envPairs` as an empty string (Node 22 and later) instead of throwing.
 * The synchronous runner throws on every version.
 */
const ASYNC_UNCONVERTIBLE_IS_EMPTY = Number(process.versions.node.split('.')[0]) >= 22;

/** Strings as Node's C++ reads them: ToString, which throws for symbols unless `orEmpty`. */
function toStrings(values: unknown[] | undefined, orEmpty: boolean): string[] {
  if (values === undefined) return [];
  return values.map((value) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-template-expression -- ToString
      return `${value as string}`;
    } catch (error) {
      if (orEmpty) return '';
      throw error;
    }
  });
}

/**
 * The environment a child inherits when `envPairs` is not an array, as Node's process handle
 * leaves it to libuv (which passes `environ`). In a Worker this is the Worker's `process.env`,
 * where Node's handle passes the process's own environment.
 */
function inheritedEnvironment(): string[] {
  return Object.entries(process.env).map(([name, value]) => `${name}=${value ?? ''}`);
}

/** A prepared launch: the addon's arguments plus the parent ends to open once the child runs. */
export interface PreparedLaunch {
  args: LaunchArgs;
  closeAfter: Int32Array;
  parentEnds: { pipe: NonNullable<StdioEntry['handle']>; fd: number }[];
}

/**
 * The launch both of the addon's spawn functions start with: `options` (strings as Node's C++
 * reads them), the child's stdio `fds`, tethered as `mode`; `sync` for the synchronous runner.
 */
export function launchArgs(
  options: HandleSpawnOptions,
  fds: Int32Array,
  mode: LaunchMode,
  sync = false,
): LaunchArgs {
  const orEmpty = ASYNC_UNCONVERTIBLE_IS_EMPTY && !sync;
  return [
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-template-expression -- ToString
    `${options.file}`,
    toStrings(options.args, orEmpty),
    Array.isArray(options.envPairs) ? toStrings(options.envPairs, orEmpty) : inheritedEnvironment(),
    typeof options.cwd === 'string' ? options.cwd : undefined,
    fds,
    options.detached === true,
    isInt32(options.uid) ? options.uid : undefined,
    isInt32(options.gid) ? options.gid : undefined,
    mode.deathSignal,
    mode.tree !== undefined,
    mode.tree?.graceMs ?? 0,
  ];
}

/** Whether a stdio slot is one the handle makes a socketpair for. */
export function isPipe(entry: StdioEntry): boolean {
  return entry.type === 'pipe' || entry.type === 'overlapped';
}

/** The launch for `options`, with a socketpair per pipe slot, or -errno (nothing left open). */
export function prepareLaunch(
  binding: NativeBinding,
  options: HandleSpawnOptions,
  mode: LaunchMode,
): PreparedLaunch | number {
  const stdio = options.stdio ?? [];
  const fds = new Int32Array(Math.max(stdio.length, 3)).fill(-1);
  const childEnds: number[] = [];
  const parentEnds: PreparedLaunch['parentEnds'] = [];
  const fail = (errno: number): number => {
    for (const fd of childEnds) binding.closeFd(fd);
    for (const end of parentEnds) binding.closeFd(end.fd);
    return errno;
  };
  for (const [i, entry] of stdio.entries()) {
    if (isPipe(entry)) {
      const pair = binding.socketpair(PIPE_BUFFER_SIZE);
      if (typeof pair === 'number') return fail(pair);
      if (entry.handle === undefined) {
        pair.forEach((fd) => binding.closeFd(fd));
        return fail(UV_EINVAL);
      }
      parentEnds.push({ pipe: entry.handle, fd: pair[0] });
      childEnds.push(pair[1]);
      fds[i] = pair[1];
    } else if (entry.type === 'wrap') {
      const fd = entry.handle?.fd;
      // libuv: a stream without an fd cannot be inherited
      if (typeof fd !== 'number' || fd < 0) return fail(UV_EINVAL);
      fds[i] = fd;
    } else if (entry.type === 'inherit' || entry.type === 'fd') {
      fds[i] = entry.fd ?? i;
    } // 'ignore': -1
  }
  return {
    args: launchArgs(options, fds, mode),
    closeAfter: Int32Array.from(childEnds),
    parentEnds,
  };
}

/**
 * The parent ends after the launch's outcome (0 or -errno): handed to Node's Pipe handles in one
 * native call where libuv opens them (the child runs, or a failure in OPENS_PIPES_ON_FAILURE),
 * else closed.
 */
export function handOverParentEnds(
  binding: NativeBinding,
  launch: PreparedLaunch,
  result: number,
): void {
  const { parentEnds } = launch;
  if (result !== 0 && !OPENS_PIPES_ON_FAILURE.has(result)) {
    for (const { fd } of parentEnds) binding.closeFd(fd);
  } else if (parentEnds.length !== 0) {
    binding.openPipes(
      parentEnds.map((end) => end.pipe),
      Int32Array.from(parentEnds, (end) => end.fd),
    );
  }
}
