// TetheredHandle: Node's Process-handle protocol (spawn/kill/ref/unref/hasRef/close/onexit),
// implemented over the addon so that Node's own ChildProcess drives a tethered child.
import { constants as osConstants } from 'node:os';
import type { NativeBinding } from './binding.js';
import {
  handOverParentEnds,
  prepareLaunch,
  readSpawnArguments,
  type HandleSpawnOptions,
  type PreparedLaunch,
} from './launch-request.js';
import type { LaunchMode } from './options.js';
import type { Registry } from './registry.js';
import { signalName } from './signals.js';

const UV_ESRCH = -osConstants.errno.ESRCH;

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

  #childId = 0;
  #live = false;
  #reaped = false;
  #refed = true;
  #closed = false;

  constructor(
    protected readonly registry: Registry,
    protected readonly mode: LaunchMode,
  ) {}

  /** Whether this child runs under a guardian (tree mode). */
  get tree(): boolean {
    return this.mode.tree !== undefined;
  }

  /**
   * Signals the child and every descendant (see killTree in kill-tree.ts): 0 or -errno. A tree
   * child's guardian answers as long as any descendant lives, even after the child's own exit.
   */
  killTree(signal: number, graceMs: number): number {
    if (this.#childId === 0) return UV_ESRCH;
    return this.registry.binding.killTree(this.#childId, signal, graceMs);
  }

  /** Node's `handle.spawn(options)` / `handle.spawn(file, args, cwd, env, stdio, flags, uid, gid)`. */
  spawn(...args: unknown[]): number {
    // Without event delivery no exit could reach the ChildProcess: fail with init's errno (Node
    // throws `spawn ENOMEM`) before anything is opened or launched.
    if (this.registry.initError !== 0) return this.registry.initError;
    return this.launch(readSpawnArguments(args));
  }

  /** Launches the child and waits for its exec: 0, or -errno as libuv's uv_spawn returns it. */
  protected launch(options: HandleSpawnOptions): number {
    const launch = prepareLaunch(this.registry.binding, options, this.mode);
    if (typeof launch === 'number') return launch;
    const started = this.submit(launch, 0);
    if (typeof started !== 'number') this.running(...started);
    const result = typeof started === 'number' ? started : 0;
    handOverParentEnds(this.registry.binding, launch, result);
    return result;
  }

  /** Hands the launch to the addon: synchronously (token 0) or queued under `token`. */
  protected submit(launch: PreparedLaunch, token: number): ReturnType<NativeBinding['spawn']> {
    return this.registry.binding.spawn(...launch.args, launch.closeAfter, token);
  }

  /** The child runs: record it so that its exit reaches this handle and it keeps the loop alive. */
  protected running(pid: number, childId: number): void {
    this.pid = pid;
    this.#childId = childId;
    this.#live = true;
    this.registry.add(childId, this);
    if (this.#refed) this.registry.retain();
  }

  /** Open again after Node closed it, and ref'd like a new handle (for a second ChildProcess). */
  reopen(): this {
    this.#closed = false;
    this.ref();
    return this;
  }

  /**
   * Node's `handle.kill(signal)`: 0 or -errno, about the child; never signals anything after a
   * failed spawn. With killDescendants every live descendant gets the signal too.
   */
  kill(signal: number): number {
    // Reaped, exit not delivered yet: Node would still see a zombie, which accepts signals.
    if (this.#reaped) return 0;
    if (!this.#live) return UV_ESRCH;
    return this.registry.binding.kill(this.#childId, signal, this.mode.killDescendants);
  }

  ref(): void {
    if (this.#refed || this.#closed) return;
    this.#refed = true;
    if (this.#live) this.registry.retain();
  }

  unref(): void {
    if (!this.#refed) return;
    this.#refed = false;
    if (this.#live) this.registry.release();
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
    if (this.#refed) this.registry.release();
    this.onexit?.(exitCode, signalName(termSignal));
  }
}
