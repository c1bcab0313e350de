// TetheredHandle: Node's Process-handle protocol (spawn/kill/ref/unref/hasRef/close/onexit),
// implemented over the addon so that Node's own ChildProcess drives a tethered child.
import { constants as osConstants } from 'node:os';
import { EVENT_EXIT, EVENT_SPAWNED, type NativeBinding } from './binding.js';
import { signalName } from './signals.js';

const UV_ESRCH = -osConstants.errno.ESRCH;
const UV_EINVAL = -osConstants.errno.EINVAL;

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

/** How long one loop turn may spend delivering queued exits before yielding to the loop. */
const EXIT_DELIVERY_BUDGET_MS = 4;

/** libuv >= 1.51 gives both directions of a 'pipe' socketpair a 64 KiB buffer. */
export const PIPE_BUFFER_SIZE = libuvAtLeast(1, 51) ? 64 * 1024 : 0;

function libuvAtLeast(major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = process.versions.uv.split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}

/** One stdio entry as Node's getValidStdio() hands it to the handle. */
interface StdioEntry {
  type: string;
  fd?: number;
  handle?: { open?(fd: number): number; fd?: number; close?(): void };
}

/** The options Node passes to `handle.spawn`, as one object (Node 20/22) or positionally. */
interface HandleSpawnOptions {
  file: string;
  args?: unknown[];
  cwd?: unknown;
  envPairs?: unknown[];
  stdio?: StdioEntry[];
  detached?: boolean;
  uid?: unknown;
  gid?: unknown;
}

/** A tree-mode child's settings: its guardian waits `graceMs` before SIGKILL. */
export interface TreeMode {
  graceMs: number;
}

/** What a capture pass returns: an errno Node throws for, which spawnAsync recognises. */
export const CAPTURED = -osConstants.errno.ECANCELED;

const DETACHED_FLAG = 1; // processConstants.kProcessFlagDetached on Node >= 24

function readSpawnArguments(args: unknown[]): HandleSpawnOptions {
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

/** Strings as Node's C++ would read them (ToString, which throws for symbols). */
function toStrings(values: unknown[] | undefined): string[] {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-template-expression -- ToString
  return values === undefined ? [] : values.map((value) => `${value as string}`);
}

/**
 * The environment a child inherits when `envPairs` is not an array, as Node's process handle
 * leaves it to libuv (which passes `environ`). In a Worker this is the Worker's `process.env`,
 * where Node's handle passes the process's own environment.
 */
function inheritedEnvironment(): string[] {
  return Object.entries(process.env).map(([name, value]) => `${name}=${value ?? ''}`);
}

/** Per-environment bookkeeping shared by every handle of this module instance. */
class Registry {
  readonly live = new Map<number, TetheredHandle>();
  readonly pendingAsync = new Map<number, (result: number, pid: number, childId: number) => void>();
  #keepAlive = 0;
  #nextToken = 1;
  #initialized = false;

  constructor(readonly binding: NativeBinding) {}

  /** -errno of the last failed `init` (0 once it succeeded): no child can be reported then. */
  initError = 0;

  /** Sets up this environment's event delivery; after a failure, tries again on the next call. */
  ensureInit(): void {
    if (this.#initialized) return;
    this.initError = this.binding.init((kind, id, a, b, c) => {
      this.#onEvent(kind, id, a, b, c);
    });
    this.#initialized = this.initError === 0;
  }

  /** Why this environment cannot launch tethered children, or undefined when it can. */
  initProblem(): string | undefined {
    if (this.initError === 0) return undefined;
    const name = Object.entries(osConstants.errno).find(([, v]) => v === -this.initError)?.[0];
    return `the addon could not set up event delivery for this environment (init: ${name ?? String(this.initError)})`;
  }

  retain(): void {
    if (this.#keepAlive++ === 0) this.binding.setKeepAlive(true);
  }

  release(): void {
    if (--this.#keepAlive === 0) this.binding.setKeepAlive(false);
  }

  nextToken(): number {
    const token = this.#nextToken;
    this.#nextToken = token >= 0x7fffffff ? 1 : token + 1;
    return token;
  }

  /**
   * Exits wait for the check phase of the loop turn that received them: libuv runs child-exit
   * callbacks after every other I/O callback of the same poll ("signal watchers last"), so
   * output a child wrote before exiting reaches 'data' listeners before 'exit', as in Node.
   */
  #exits: { handle: TetheredHandle; exitCode: number; termSignal: number }[] = [];
  #flushScheduled = false;

  #flushExits = (): void => {
    this.#flushScheduled = false;
    const exits = this.#exits;
    this.#exits = [];
    const deadline = performance.now() + EXIT_DELIVERY_BUDGET_MS;
    for (let i = 0; i < exits.length; i++) {
      const exit = exits[i];
      if (exit === undefined) continue;
      try {
        exit.handle.exited(exit.exitCode, exit.termSignal);
      } catch (error) {
        // A listener threw: deliver the rest next turn, then let the error propagate as in Node.
        this.#exits = exits.slice(i + 1).concat(this.#exits);
        this.#scheduleFlush();
        throw error;
      }
      if (performance.now() >= deadline && i + 1 < exits.length) {
        // A burst of exits (each may run user code that spawns again) must not stall the loop.
        this.#exits = exits.slice(i + 1).concat(this.#exits);
        this.#scheduleFlush();
        return;
      }
    }
  };

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#exits.length === 0) return;
    this.#flushScheduled = true;
    setImmediate(this.#flushExits);
  }

  #onEvent(kind: number, id: number, a: number, b: number, c: number): void {
    if (kind === EVENT_EXIT) {
      const handle = this.live.get(id);
      if (handle === undefined) return;
      this.live.delete(id);
      handle.reaped();
      this.#exits.push({ handle, exitCode: a, termSignal: b });
      this.#scheduleFlush();
    } else if (kind === EVENT_SPAWNED) {
      const settle = this.pendingAsync.get(id);
      if (settle === undefined) return;
      this.pendingAsync.delete(id);
      settle(a, b, c);
    }
  }
}

const registries = new WeakMap<NativeBinding, Registry>();

/** The registry of this environment for `binding`. */
export function registryFor(binding: NativeBinding): Registry {
  let registry = registries.get(binding);
  if (registry === undefined) {
    registry = new Registry(binding);
    registries.set(binding, registry);
  }
  registry.ensureInit();
  return registry;
}

/** A prepared launch: the flat request plus the parent ends to open once the child runs. */
interface PreparedLaunch {
  file: string;
  args: string[];
  envPairs: string[];
  cwd: string | undefined;
  fds: Int32Array;
  closeAfter: Int32Array;
  detached: boolean;
  uid: number | undefined;
  gid: number | undefined;
  parentEnds: { pipe: NonNullable<StdioEntry['handle']>; fd: number }[];
}

/**
 * Stands in for Node's internal `Process` handle (process_wrap) under a ChildProcess. Node's JS
 * layer keeps doing validation, events, stdio streams, timeouts, AbortSignal and IPC; this
 * handle only launches through the spawner thread, signals, and reports the exit.
 */
export class TetheredHandle {
  /** Set after a successful spawn, as Node's handle does. */
  pid: number | undefined;
  /** Installed by Node's ChildProcess constructor (moved over from its own handle). */
  onexit: ((exitCode: number, signalCode: string) => void) | undefined;

  readonly #registry: Registry;
  readonly #deathSignal: number;
  readonly #tree: TreeMode | undefined;
  #childId = 0;
  #capture: ((result: number) => void) | undefined;
  #replaying = false;
  #asyncLaunch: PreparedLaunch | undefined;
  #asyncResult = 0;
  #live = false;
  #reaped = false;
  #refed = true;
  #closed = false;

  constructor(registry: Registry, deathSignal: number, tree?: TreeMode) {
    this.#registry = registry;
    this.#deathSignal = deathSignal;
    this.#tree = tree;
  }

  /** Whether this child runs under a guardian (tree mode). */
  get tree(): boolean {
    return this.#tree !== undefined;
  }

  /**
   * Signals the child and every descendant (see killTree in kill-tree.ts): 0 or -errno. A tree
   * child's guardian answers as long as any descendant lives, even after the child's own exit.
   */
  killTree(signal: number, graceMs: number): number {
    if (this.#childId === 0) return UV_ESRCH;
    return this.#registry.binding.killTree(this.#childId, signal, graceMs);
  }

  /** Node's `handle.spawn(options)` / `handle.spawn(file, args, cwd, env, stdio, flags, uid, gid)`. */
  spawn(...args: unknown[]): number {
    // Without event delivery no exit could reach the ChildProcess: fail with init's errno (Node
    // throws `spawn ENOMEM`) before anything is opened or launched.
    if (this.#registry.initError !== 0) return this.#registry.initError;
    const options = readSpawnArguments(args);
    if (this.#replaying) return this.#replayed(options);
    const launch = this.#prepare(options);
    if (typeof launch === 'number') return launch;
    if (this.#capture !== undefined) return this.#queue(launch, options, this.#capture);
    const result = this.#submit(launch, 0);
    if (typeof result === 'number') {
      this.#failed(launch, result);
      return result;
    }
    this.#started(launch, result[0], result[1]);
    return 0;
  }

  /**
   * Capture mode (spawnAsync's first pass through Node's ChildProcess.spawn): queues the launch
   * on the spawner thread without waiting, closes the Pipe handles Node made for this pass, and
   * returns {@link CAPTURED} so that Node throws and creates no child. `done` receives 0 or
   * -errno; the caller then replays Node's spawn with this handle (see {@link replay}).
   */
  captureAsync(done: (result: number) => void): void {
    this.#capture = done;
  }

  /** Replay mode: the next `spawn()` call reports the already-known outcome of the launch. */
  replay(): void {
    this.#replaying = true;
    // Node closed (and so unref'd) this handle when the capture pass threw; the replayed
    // ChildProcess owns it now, ref'd like any new handle, so a live child keeps the loop alive.
    this.#closed = false;
    this.ref();
  }

  /** Node's `handle.kill(signal)`: 0 or -errno; never signals anything after a failed spawn. */
  kill(signal: number): number {
    // Reaped, exit not delivered yet: Node would still see a zombie, which accepts signals.
    if (this.#reaped) return 0;
    if (!this.#live) return UV_ESRCH;
    return this.#registry.binding.kill(this.#childId, signal);
  }

  ref(): void {
    if (this.#refed || this.#closed) return;
    this.#refed = true;
    if (this.#live) this.#registry.retain();
  }

  unref(): void {
    if (!this.#refed) return;
    this.#refed = false;
    if (this.#live) this.#registry.release();
  }

  hasRef(): boolean {
    return this.#refed && !this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.unref();
    this.#closed = true;
  }

  /** Called by the registry as soon as the spawner thread has reaped the child. */
  reaped(): void {
    this.#reaped = true;
  }

  /** Called by the registry when the exit is delivered (check phase after the reap). */
  exited(exitCode: number, termSignal: number): void {
    this.#live = false;
    this.#reaped = false;
    if (this.#refed) this.#registry.release();
    this.onexit?.(exitCode, signalName(termSignal));
  }

  #queue(
    launch: PreparedLaunch,
    options: HandleSpawnOptions,
    done: (result: number) => void,
  ): number {
    // This pass's Pipe handles are never used: the replay brings fresh ones.
    for (const entry of options.stdio ?? []) {
      if (entry.type === 'pipe' || entry.type === 'overlapped') entry.handle?.close?.();
    }
    const registry = this.#registry;
    const token = registry.nextToken();
    const queued = this.#submit(launch, token);
    if (queued !== 0) {
      // Not queued (e.g. the spawner thread could not start): the replay reports this errno,
      // and opens or closes the parent ends as Node expects for it.
      this.#asyncLaunch = launch;
      this.#asyncResult = typeof queued === 'number' ? queued : UV_EINVAL;
      queueMicrotask(() => {
        done(this.#asyncResult);
      });
      return CAPTURED;
    }
    this.#asyncLaunch = launch;
    registry.retain();
    registry.pendingAsync.set(token, (result, pid, childId) => {
      registry.release();
      this.#asyncResult = result;
      if (result === 0) this.#running(pid, childId);
      done(result);
    });
    return CAPTURED;
  }

  #replayed(options: HandleSpawnOptions): number {
    this.#replaying = false;
    const launch = this.#asyncLaunch;
    this.#asyncLaunch = undefined;
    if (launch === undefined) return this.#asyncResult || UV_EINVAL;
    // Same options, same slots: hand this pass's Pipe handles the parent ends made earlier.
    let k = 0;
    for (const entry of options.stdio ?? []) {
      if ((entry.type === 'pipe' || entry.type === 'overlapped') && entry.handle !== undefined) {
        const end = launch.parentEnds[k++];
        if (end !== undefined) end.pipe = entry.handle;
      }
    }
    if (this.#asyncResult === 0) {
      this.#openParentEnds(launch);
    } else {
      this.#failed(launch, this.#asyncResult);
    }
    return this.#asyncResult;
  }

  #prepare(options: HandleSpawnOptions): PreparedLaunch | number {
    const binding = this.#registry.binding;
    const stdio = options.stdio ?? [];
    const fds = new Int32Array(Math.max(stdio.length, 3)).fill(-1);
    const childEnds: number[] = [];
    const parentEnds: PreparedLaunch['parentEnds'] = [];
    const closeAll = (): void => {
      for (const fd of childEnds) binding.closeFd(fd);
      for (const end of parentEnds) binding.closeFd(end.fd);
    };
    for (let i = 0; i < stdio.length; i++) {
      const entry = stdio[i];
      if (entry === undefined) continue;
      switch (entry.type) {
        case 'pipe':
        case 'overlapped': {
          const pair = binding.socketpair(PIPE_BUFFER_SIZE);
          if (typeof pair === 'number' || entry.handle === undefined) {
            if (typeof pair !== 'number') pair.forEach((fd) => binding.closeFd(fd));
            closeAll();
            return typeof pair === 'number' ? pair : UV_EINVAL;
          }
          parentEnds.push({ pipe: entry.handle, fd: pair[0] });
          childEnds.push(pair[1]);
          fds[i] = pair[1];
          break;
        }
        case 'wrap': {
          const fd = entry.handle?.fd;
          if (typeof fd !== 'number' || fd < 0) {
            closeAll();
            return UV_EINVAL; // libuv: a stream without an fd cannot be inherited
          }
          fds[i] = fd;
          break;
        }
        case 'inherit':
        case 'fd':
          fds[i] = entry.fd ?? i;
          break;
        default: // 'ignore'
          break;
      }
    }
    return {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-template-expression -- ToString
      file: `${options.file}`,
      args: toStrings(options.args),
      envPairs: Array.isArray(options.envPairs)
        ? toStrings(options.envPairs)
        : inheritedEnvironment(),
      cwd: typeof options.cwd === 'string' ? options.cwd : undefined,
      fds,
      closeAfter: Int32Array.from(childEnds),
      detached: options.detached === true,
      uid: isInt32(options.uid) ? options.uid : undefined,
      gid: isInt32(options.gid) ? options.gid : undefined,
      parentEnds,
    };
  }

  /** Hands the launch to the addon: synchronously (token 0) or queued under `token`. */
  #submit(launch: PreparedLaunch, token: number): ReturnType<NativeBinding['spawn']> {
    return this.#registry.binding.spawn(
      launch.file,
      launch.args,
      launch.envPairs,
      launch.cwd,
      launch.fds,
      launch.closeAfter,
      launch.detached,
      launch.uid,
      launch.gid,
      this.#deathSignal,
      token,
      this.#tree !== undefined,
      this.#tree?.graceMs ?? 0,
    );
  }

  /** The child runs: record it so that its exit reaches this handle and it keeps the loop alive. */
  #running(pid: number, childId: number): void {
    this.pid = pid;
    this.#childId = childId;
    this.#live = true;
    this.#registry.live.set(childId, this);
    if (this.#refed) this.#registry.retain();
  }

  #started(launch: PreparedLaunch, pid: number, childId: number): void {
    this.#running(pid, childId);
    this.#openParentEnds(launch);
  }

  #failed(launch: PreparedLaunch, error: number): void {
    if (OPENS_PIPES_ON_FAILURE.has(error)) {
      this.#openParentEnds(launch);
    } else {
      this.#abandon(launch);
    }
  }

  #openParentEnds(launch: PreparedLaunch): void {
    if (launch.parentEnds.length === 0) return;
    this.#registry.binding.openPipes(
      launch.parentEnds.map((end) => end.pipe),
      Int32Array.from(launch.parentEnds, (end) => end.fd),
    );
  }

  #abandon(launch: PreparedLaunch): void {
    for (const { fd } of launch.parentEnds) this.#registry.binding.closeFd(fd);
  }
}
