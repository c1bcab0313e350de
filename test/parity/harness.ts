// Runs one scenario against an implementation of child_process and records what a user can
// observe, in a shape that compares equal between node:child_process and tethered when the two
// behave the same. Pids, handle objects and timings are reduced to what is deterministic.
import * as childProcess from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { killQuietly, startTime } from '../helpers/proc.js';

const { ChildProcess } = childProcess;
import { TetheredHandle } from '../../lib/handle.js';

/** The part of child_process a scenario may use. */
export interface Api {
  readonly spawn: typeof childProcess.spawn;
  readonly exec: typeof childProcess.exec;
  readonly execFile: typeof childProcess.execFile;
  readonly fork: typeof childProcess.fork;
}

export type Side = 'node' | 'tethered';

/** A call made with arguments the types forbid (validation scenarios). */
export type LooseCall = (...args: unknown[]) => childProcess.ChildProcess;

/** One row of the scenario table. */
export interface Scenario {
  readonly name: string;
  /**
   * Orderings this scenario compares loosely beyond the general rule (see {@link observe}), and
   * why Node itself does not guarantee them.
   */
  readonly relaxed?: string;
  /**
   * Whether the tethered run must go through TetheredHandle.spawn. False for scenarios that fail
   * in Node's validation before any handle is used, or that spawn inside a subprocess.
   */
  readonly reachesHandle?: boolean;
  /**
   * The scenario runs its children in subprocess parents that report their spawns (see
   * {@link Run.noteSubprocess}); each tethered-side parent must have spawned only through the
   * tethered handle, with capabilities().deathSignal true.
   */
  readonly inSubprocess?: boolean;
  readonly run: (run: Run) => Promise<unknown>;
}

let handleSpawns = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its own `this` below
const originalHandleSpawn = TetheredHandle.prototype.spawn;
TetheredHandle.prototype.spawn = function countedSpawn(this: TetheredHandle, ...args: unknown[]) {
  handleSpawns++;
  return originalHandleSpawn.apply(this, args);
};

/** How many times a TetheredHandle was asked to spawn so far in this process. */
export function tetheredHandleSpawns(): number {
  return handleSpawns;
}

// Node's own Process handle (process_wrap), as every ChildProcess gets it from its constructor:
// each call of its spawn is a child that did not go through the tethered handle.
let nodeSpawns = 0;
const nodeProcessPrototype = Object.getPrototypeOf(
  (new ChildProcess() as unknown as { _handle: object })._handle,
) as { spawn: (...args: unknown[]) => number };
const originalNodeSpawn = nodeProcessPrototype.spawn;
nodeProcessPrototype.spawn = function countedNodeSpawn(this: unknown, ...args: unknown[]) {
  nodeSpawns++;
  return originalNodeSpawn.apply(this, args);
};

/** How many times Node's own Process handle was asked to spawn so far in this process. */
export function nodeHandleSpawns(): number {
  return nodeSpawns;
}

/**
 * What a subprocess parent (fixtures/*-parent.mjs) reports about its own spawns: how many went
 * through the tethered handle and through Node's, and (tethered side) whether capabilities()
 * said its children are tethered.
 */
export interface SubprocessSpawns {
  tethered: number;
  node: number;
  deathSignal?: boolean;
}

/** Error fields a user can observe, with the class name and the sorted own keys. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { notAnError: inspect(error) };
  const e = error as Error & Record<string, unknown>;
  const out: Record<string, unknown> = {
    class: e.constructor.name,
    name: e.name,
    message: e.message,
    keys: Object.keys(e).sort(),
  };
  for (const key of ['code', 'errno', 'syscall', 'path', 'spawnargs', 'cmd', 'killed', 'signal']) {
    if (key in e) out[key] = e[key];
  }
  for (const key of ['stdout', 'stderr']) {
    if (key in e)
      out[key] = Buffer.isBuffer(e[key]) ? `<Buffer ${e[key].toString('hex')}>` : e[key];
  }
  if (e.cause !== undefined) out['cause'] = errorFields(e.cause);
  return out;
}

/** Calls `fn` and reports either its value or the fields of what it threw. */
export function attempt<T>(fn: () => T): { value: T } | { thrown: Record<string, unknown> } {
  try {
    return { value: fn() };
  } catch (error) {
    return { thrown: errorFields(error) };
  }
}

function normalizeArg(arg: unknown): unknown {
  if (arg instanceof Error) return errorFields(arg);
  if (arg === undefined || arg === null || typeof arg !== 'object') return arg;
  return inspect(arg, { depth: 6, sorted: true });
}

/** The shape of `child.stdio`: which slots hold a stream. */
function stdioShape(child: childProcess.ChildProcess): string[] {
  return Array.from(child.stdio as unknown[], (stream) =>
    stream === null || stream === undefined ? String(stream) : 'stream',
  );
}

function snapshot(child: childProcess.ChildProcess): Record<string, unknown> {
  return {
    pid: typeof child.pid,
    hasOwnPid: Object.hasOwn(child, 'pid'),
    exitCode: child.exitCode,
    signalCode: child.signalCode,
    killed: child.killed,
    connected: child.connected,
    channel: child.channel === undefined ? 'undefined' : child.channel === null ? 'null' : 'object',
    send: typeof child.send,
    disconnect: typeof child.disconnect,
    spawnfile: child.spawnfile,
    spawnargs: child.spawnargs,
    stdio: stdioShape(child),
  };
}

/** Everything recorded about one child, ready for `toEqual`. */
export interface ChildRecord {
  atSpawn: Record<string, unknown>;
  /** Child events in order, without 'exit' (see {@link observe}). */
  events: unknown[][];
  /** Arguments of 'exit', or null when it was not emitted. */
  exit: unknown[] | null;
  /** 'exit' came before 'close' (or no 'close' was emitted). */
  exitBeforeClose: boolean;
  /**
   * Bytes read from each readable stdio slot (latin1, lossless), keyed by index, with this run's
   * scratch directory written as `<dir>`.
   */
  streams: Record<string, string>;
  /** Which readable stdio slots emitted 'end'. */
  ended: Record<string, boolean>;
  final: Record<string, unknown>;
}

/**
 * One side of a scenario: the implementation under test, a scratch directory, and cleanup of
 * every child it started.
 */
export class Run {
  readonly dir: string;
  /** The spawn reports of the subprocess parents this run started (see {@link noteSubprocess}). */
  readonly subprocesses: SubprocessSpawns[] = [];
  readonly #children: childProcess.ChildProcess[] = [];
  readonly #pids: { pid: number; start: string }[] = [];

  constructor(
    readonly api: Api,
    readonly side: Side,
    readonly fixtures: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `tethered-parity-${side}-`));
  }

  /** Remembers a child for cleanup and returns it. */
  track<C extends childProcess.ChildProcess>(child: C): C {
    this.#children.push(child);
    return child;
  }

  /**
   * Takes the `spawns` field out of a subprocess parent's report (it differs between the sides by
   * design) and keeps it for the checks in define.ts; returns the rest of the report.
   */
  noteSubprocess<T extends object>(report: T & { spawns?: SubprocessSpawns }): T {
    const { spawns, ...rest } = report;
    this.subprocesses.push(spawns ?? { tethered: -1, node: -1 });
    return rest as T;
  }

  /** Remembers a live pid (e.g. a grandchild reported by a fixture) for cleanup. */
  trackPid(pid: number): void {
    const start = startTime(pid);
    if (start !== undefined) this.#pids.push({ pid, start });
  }

  /**
   * Records `child` until 'close' (or `until`, for the cases where Node never emits 'close'),
   * plus one turn, so every stream 'close' listener ran.
   * General relaxation, applied to every scenario: Node emits 'exit' when the SIGCHLD (or pidfd)
   * notification is processed, which races with reads from stdout/stderr/IPC sockets; so 'exit'
   * is compared by its arguments and by coming before 'close', not by its position among stream
   * data, 'message' and 'disconnect'. Stream bytes are compared per stream, not interleaved.
   */
  observe(
    child: childProcess.ChildProcess,
    options: { readStreams?: boolean; until?: 'close' | 'exit' } = {},
  ): Promise<ChildRecord> {
    this.track(child);
    const atSpawn = snapshot(child);
    const raw: unknown[][] = [];
    for (const name of ['spawn', 'error', 'exit', 'close', 'disconnect', 'message']) {
      child.on(name, (...args: unknown[]) => raw.push([name, ...args.map(normalizeArg)]));
    }
    const chunks = new Map<number, Buffer[]>();
    const ended: Record<string, boolean> = {};
    if (options.readStreams !== false) {
      child.stdio.forEach((stream, index) => {
        if (index === 0 || stream === null || stream === undefined) return;
        const readable = stream as NodeJS.ReadableStream;
        chunks.set(index, []);
        ended[index] = false;
        readable.on('data', (chunk: Buffer | string) =>
          chunks.get(index)?.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
        );
        readable.on('end', () => (ended[index] = true));
      });
    }
    return new Promise((resolve) => {
      child.on(options.until ?? 'close', () => {
        setImmediate(() => {
          const exitAt = raw.findIndex((event) => event[0] === 'exit');
          const closeAt = raw.findIndex((event) => event[0] === 'close');
          const streams: Record<string, string> = {};
          for (const [index, list] of chunks) {
            // The scratch directory differs between the two sides.
            streams[index] = Buffer.concat(list).toString('latin1').replaceAll(this.dir, '<dir>');
          }
          resolve({
            atSpawn,
            events: raw.filter((event) => event[0] !== 'exit'),
            exit: exitAt === -1 ? null : (raw[exitAt] ?? []).slice(1),
            exitBeforeClose: closeAt === -1 || exitAt < closeAt,
            streams,
            ended,
            final: snapshot(child),
          });
        });
      });
    });
  }

  /** SIGKILLs every child and pid this run started that may still be alive; removes the dir. */
  cleanup(): void {
    for (const child of this.#children) {
      // A reaped child's pid may already belong to someone else.
      if (child.exitCode === null && child.signalCode === null) killQuietly(child.pid);
    }
    for (const { pid, start } of this.#pids) {
      if (startTime(pid) === start) killQuietly(pid);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
