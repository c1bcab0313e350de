// Public option and function types: @types/node's child_process types plus what tethered adds.
import type {
  ChildProcess,
  ChildProcessByStdio,
  ChildProcessWithoutNullStreams,
  ExecException,
  ExecFileException,
  PromiseWithChild,
  SpawnSyncReturns,
  StdioNull,
  StdioPipe,
} from 'node:child_process';
import type {
  ExecFileOptions as ExecFileOptionsBase,
  ExecFileOptionsWithBufferEncoding as ExecFileOptionsWithBufferEncodingBase,
  ExecFileOptionsWithStringEncoding as ExecFileOptionsWithStringEncodingBase,
  ExecFileSyncOptions as ExecFileSyncOptionsBase,
  ExecFileSyncOptionsWithBufferEncoding,
  ExecFileSyncOptionsWithStringEncoding,
  ExecOptions as ExecOptionsBase,
  ExecOptionsWithBufferEncoding as ExecOptionsWithBufferEncodingBase,
  ExecOptionsWithStringEncoding as ExecOptionsWithStringEncodingBase,
  ExecSyncOptions as ExecSyncOptionsBase,
  ExecSyncOptionsWithBufferEncoding,
  ExecSyncOptionsWithStringEncoding,
  ForkOptions as ForkOptionsBase,
  SpawnOptions as SpawnOptionsBase,
  SpawnOptionsWithoutStdio as SpawnOptionsWithoutStdioBase,
  SpawnOptionsWithStdioTuple as SpawnOptionsWithStdioTupleBase,
  SpawnSyncOptions as SpawnSyncOptionsBase,
  SpawnSyncOptionsWithBufferEncoding,
  SpawnSyncOptionsWithStringEncoding,
} from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** Options tethered adds to every child_process call. */
export interface TetherOptions {
  /**
   * Signal the kernel sends the child when this process dies (`PR_SET_PDEATHSIG`), as a name
   * (`'SIGKILL'`) or number (`9`). `null` leaves the child untethered. Default `'SIGTERM'`, or
   * `null` when `detached: true`. Validated like Node's `killSignal`.
   */
  deathSignal?: NodeJS.Signals | number | null | undefined;
  /**
   * Throw `ERR_TETHER_UNAVAILABLE` instead of starting an untethered child when the tether
   * cannot be provided here (non-Linux, addon missing). Default `false`.
   */
  requireTether?: boolean | undefined;
  /**
   * Tree mode: no descendant outlives this process. The child runs under a small guardian process
   * (a subreaper) that adopts every orphan of the tree, double-forked daemons included; when this
   * process dies, every descendant gets `deathSignal`, and SIGKILL after `treeGraceMs`.
   * `child.pid`, `'exit'`, stdio and IPC are the command's, as without it; `kill()` also reaches
   * the descendants (see `killDescendants`); the command's `getppid()` is the guardian's pid.
   * Default `false` (see `setDefaults`). With `deathSignal: null` it throws; with
   * `detached: true` it still tethers the tree. Where the guardian cannot run, the child is
   * tethered without its tree, or with `requireTether: true` `ERR_TETHER_UNAVAILABLE` is thrown. Not in `node:child_process`.
   */
  tree?: boolean | undefined;
  /**
   * Tree mode: milliseconds between `deathSignal` and SIGKILL for the descendants when this
   * process dies. Default 3000 (see `setDefaults`).
   */
  treeGraceMs?: number | undefined;
  /**
   * Every signal sent to the child through its handle goes to the command and to every live
   * descendant at once: `child.kill(signal)`, and so Node's `timeout`/`killSignal`, `signal`
   * (AbortSignal), exec/execFile `maxBuffer` and `[Symbol.dispose]`; for the sync functions the
   * `timeout` and `maxBuffer` kills. Every signal, not only terminating ones (`false` sends, say,
   * `SIGHUP` to the command alone). Tree children: by the guardian, each process held by a pidfd
   * and its parent re-checked, orphaned and `setsid` descendants included. Other children: a
   * pidfd-verified walk of `/proc` from the command while it runs (best effort: what already left
   * its tree is not found; needs pidfds). `kill()`'s return value, `child.killed` and `'exit'`
   * stay about the command; a command that exits on its own leaves its descendants. Default:
   * `true` for tree children, `false` otherwise (see `setDefaults`). Not in `node:child_process`.
   */
  killDescendants?: boolean | undefined;
}

type T<O> = O & TetherOptions;

/** Options that give the child no stdio streams: `'ignore'`/`'inherit'`, or all three `null`. */
type NullStdioOptions =
  | T<SpawnOptionsWithStdioTuple<StdioNull, StdioNull, StdioNull>>
  | T<SpawnOptions & { stdio: 'ignore' | 'inherit' }>;

/** What a spawn function returns for child type `C`: the child, or a promise of it. */
interface Returns<C> {
  sync: C;
  async: Promise<C>;
}

/** A command's arguments. */
type Argv = readonly string[];

/** @types/node's stdio entries that give the child a stream, and those that give it none. */
type Pipe = StdioPipe;
type Null = StdioNull;

/** Options with a stdio tuple. */
type Stdio<I extends Pipe | Null, O extends Pipe | Null, E extends Pipe | Null> = T<
  SpawnOptionsWithStdioTuple<I, O, E>
>;

/** The child for a stdio tuple's streams, or a promise of it. */
type ByStdio<
  I extends Writable | null,
  O extends Readable | null,
  E extends Readable | null,
  K extends keyof Returns<unknown>,
> = Returns<ChildProcessByStdio<I, O, E>>[K];

/** The overloads of `spawn` (see {@link SpawnFunction}), each returning `Returns<child>[K]`. */
interface SpawnOverloads<K extends keyof Returns<unknown>> {
  (
    command: string,
    options?: T<SpawnOptionsWithoutStdio>,
  ): Returns<ChildProcessWithoutNullStreams>[K];
  (command: string, options: Stdio<Pipe, Pipe, Pipe>): ByStdio<Writable, Readable, Readable, K>;
  (command: string, options: Stdio<Pipe, Pipe, Null>): ByStdio<Writable, Readable, null, K>;
  (command: string, options: Stdio<Pipe, Null, Pipe>): ByStdio<Writable, null, Readable, K>;
  (command: string, options: Stdio<Null, Pipe, Pipe>): ByStdio<null, Readable, Readable, K>;
  (command: string, options: Stdio<Pipe, Null, Null>): ByStdio<Writable, null, null, K>;
  (command: string, options: Stdio<Null, Pipe, Null>): ByStdio<null, Readable, null, K>;
  (command: string, options: Stdio<Null, Null, Pipe>): ByStdio<null, null, Readable, K>;
  (command: string, options: NullStdioOptions): ByStdio<null, null, null, K>;
  (command: string, options: T<SpawnOptions>): Returns<ChildProcess>[K];
  (
    command: string,
    args?: Argv,
    options?: T<SpawnOptionsWithoutStdio>,
  ): Returns<ChildProcessWithoutNullStreams>[K];
  (
    command: string,
    args: Argv,
    options: Stdio<Pipe, Pipe, Pipe>,
  ): ByStdio<Writable, Readable, Readable, K>;
  (
    command: string,
    args: Argv,
    options: Stdio<Pipe, Pipe, Null>,
  ): ByStdio<Writable, Readable, null, K>;
  (
    command: string,
    args: Argv,
    options: Stdio<Pipe, Null, Pipe>,
  ): ByStdio<Writable, null, Readable, K>;
  (
    command: string,
    args: Argv,
    options: Stdio<Null, Pipe, Pipe>,
  ): ByStdio<null, Readable, Readable, K>;
  (command: string, args: Argv, options: Stdio<Pipe, Null, Null>): ByStdio<Writable, null, null, K>;
  (command: string, args: Argv, options: Stdio<Null, Pipe, Null>): ByStdio<null, Readable, null, K>;
  (command: string, args: Argv, options: Stdio<Null, Null, Pipe>): ByStdio<null, null, Readable, K>;
  (command: string, args: Argv, options: NullStdioOptions): ByStdio<null, null, null, K>;
  (command: string, args: Argv, options: T<SpawnOptions>): Returns<ChildProcess>[K];
}

/**
 * `spawn` with the overloads of `node:child_process`'s, plus {@link TetherOptions}, plus one
 * refinement: `stdio: 'ignore' | 'inherit'` given as a string types the three streams as `null`
 * (@types/node 20 says `Readable | null` there).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface, named in hovers
export interface SpawnFunction extends SpawnOverloads<'sync'> {}

/** {@link SpawnFunction}'s overloads, resolving with the child once it runs. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an interface, named in hovers
export interface SpawnAsyncFunction extends SpawnOverloads<'async'> {}

/** The Buffer type @types/node gives exec/execFile output (NonSharedBuffer where it exists). */
type OutputBuffer = ReturnType<typeof Buffer.alloc>;

/** The callback of exec/execFile. */
type OutputCallback<E, O> = (error: E | null, stdout: O, stderr: O) => void;

/** What `util.promisify(exec)` and `util.promisify(execFile)` resolve with. */
interface Output<O> {
  stdout: O;
  stderr: O;
}

/* eslint-disable @typescript-eslint/unified-signatures --
   one-to-one with @types/node's exec/execFile overloads, so that calls resolve the same way. */

/** `util.promisify(exec)`: the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecPromisified {
  (command: string): PromiseWithChild<Output<string>>;
  (
    command: string,
    options: T<ExecOptionsWithBufferEncoding>,
  ): PromiseWithChild<Output<OutputBuffer>>;
  (command: string, options: T<ExecOptionsWithStringEncoding>): PromiseWithChild<Output<string>>;
  (
    command: string,
    options: T<ExecOptions> | undefined | null,
  ): PromiseWithChild<Output<string | OutputBuffer>>;
}

/** `exec` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFunction {
  (command: string, callback?: OutputCallback<ExecException, string>): ChildProcess;
  (
    command: string,
    options: T<ExecOptionsWithBufferEncoding>,
    callback?: OutputCallback<ExecException, OutputBuffer>,
  ): ChildProcess;
  (
    command: string,
    options: T<ExecOptionsWithStringEncoding>,
    callback?: OutputCallback<ExecException, string>,
  ): ChildProcess;
  (
    command: string,
    options: T<ExecOptions> | undefined | null,
    callback?: OutputCallback<ExecException, string | OutputBuffer>,
  ): ChildProcess;
  /** Typing hook of `util.promisify` (the runtime uses `util.promisify.custom`, as Node does). */
  __promisify__: ExecPromisified;
}

type Args = readonly string[] | undefined | null;

/** `util.promisify(execFile)`: the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFilePromisified {
  (file: string): PromiseWithChild<Output<string>>;
  (file: string, args: Args): PromiseWithChild<Output<string>>;
  (
    file: string,
    options: T<ExecFileOptionsWithBufferEncoding>,
  ): PromiseWithChild<Output<OutputBuffer>>;
  (
    file: string,
    args: Args,
    options: T<ExecFileOptionsWithBufferEncoding>,
  ): PromiseWithChild<Output<OutputBuffer>>;
  (file: string, options: T<ExecFileOptionsWithStringEncoding>): PromiseWithChild<Output<string>>;
  (
    file: string,
    args: Args,
    options: T<ExecFileOptionsWithStringEncoding>,
  ): PromiseWithChild<Output<string>>;
  (
    file: string,
    options: T<ExecFileOptions> | undefined | null,
  ): PromiseWithChild<Output<string | OutputBuffer>>;
  (
    file: string,
    args: Args,
    options: T<ExecFileOptions> | undefined | null,
  ): PromiseWithChild<Output<string | OutputBuffer>>;
}

/** `execFile` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFileFunction {
  (file: string, callback?: OutputCallback<ExecFileException, string>): ChildProcess;
  (file: string, args: Args, callback?: OutputCallback<ExecFileException, string>): ChildProcess;
  (
    file: string,
    options: T<ExecFileOptionsWithBufferEncoding>,
    callback?: OutputCallback<ExecFileException, OutputBuffer>,
  ): ChildProcess;
  (
    file: string,
    args: Args,
    options: T<ExecFileOptionsWithBufferEncoding>,
    callback?: OutputCallback<ExecFileException, OutputBuffer>,
  ): ChildProcess;
  (
    file: string,
    options: T<ExecFileOptionsWithStringEncoding>,
    callback?: OutputCallback<ExecFileException, string>,
  ): ChildProcess;
  (
    file: string,
    args: Args,
    options: T<ExecFileOptionsWithStringEncoding>,
    callback?: OutputCallback<ExecFileException, string>,
  ): ChildProcess;
  (
    file: string,
    options: T<ExecFileOptions> | undefined | null,
    callback: OutputCallback<ExecFileException, string | OutputBuffer> | undefined | null,
  ): ChildProcess;
  (
    file: string,
    args: Args,
    options: T<ExecFileOptions> | undefined | null,
    callback: OutputCallback<ExecFileException, string | OutputBuffer> | undefined | null,
  ): ChildProcess;
  /** Typing hook of `util.promisify` (the runtime uses `util.promisify.custom`, as Node does). */
  __promisify__: ExecFilePromisified;
}

/* eslint-enable @typescript-eslint/unified-signatures */

/** `fork` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ForkFunction {
  (modulePath: string | URL, options?: T<ForkOptions>): ChildProcess;
  (modulePath: string | URL, args?: readonly string[], options?: T<ForkOptions>): ChildProcess;
}

/* eslint-disable @typescript-eslint/unified-signatures -- Node's overloads, kept as @types/node has them */

/** `spawnSync` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface SpawnSyncFunction {
  (command: string): SpawnSyncReturns<OutputBuffer>;
  (command: string, options: T<SpawnSyncOptionsWithStringEncoding>): SpawnSyncReturns<string>;
  (command: string, options: T<SpawnSyncOptionsWithBufferEncoding>): SpawnSyncReturns<OutputBuffer>;
  (command: string, options?: T<SpawnSyncOptions>): SpawnSyncReturns<string | OutputBuffer>;
  (command: string, args: readonly string[]): SpawnSyncReturns<OutputBuffer>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnSyncOptionsWithStringEncoding>,
  ): SpawnSyncReturns<string>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnSyncOptionsWithBufferEncoding>,
  ): SpawnSyncReturns<OutputBuffer>;
  (
    command: string,
    args?: readonly string[],
    options?: T<SpawnSyncOptions>,
  ): SpawnSyncReturns<string | OutputBuffer>;
}

/** `execSync` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecSyncFunction {
  (command: string): OutputBuffer;
  (command: string, options: T<ExecSyncOptionsWithStringEncoding>): string;
  (command: string, options: T<ExecSyncOptionsWithBufferEncoding>): OutputBuffer;
  (command: string, options?: T<ExecSyncOptions>): string | OutputBuffer;
}

/** `execFileSync` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFileSyncFunction {
  (file: string): OutputBuffer;
  (file: string, options: T<ExecFileSyncOptionsWithStringEncoding>): string;
  (file: string, options: T<ExecFileSyncOptionsWithBufferEncoding>): OutputBuffer;
  (file: string, options?: T<ExecFileSyncOptions>): string | OutputBuffer;
  (file: string, args: readonly string[]): OutputBuffer;
  (
    file: string,
    args: readonly string[],
    options: T<ExecFileSyncOptionsWithStringEncoding>,
  ): string;
  (
    file: string,
    args: readonly string[],
    options: T<ExecFileSyncOptionsWithBufferEncoding>,
  ): OutputBuffer;
  (file: string, args?: readonly string[], options?: T<ExecFileSyncOptions>): string | OutputBuffer;
}

/* eslint-enable @typescript-eslint/unified-signatures */

/*
 * The option types of node:child_process, widened with TetherOptions, under the names users
 * already import: swapping `from 'node:child_process'` for `from 'tethered'` keeps them working
 * and lets them carry deathSignal/requireTether.
 */

/** `node:child_process`'s `SpawnOptions` plus {@link TetherOptions}. */
export type SpawnOptions = T<SpawnOptionsBase>;
/** `node:child_process`'s `SpawnOptionsWithoutStdio` plus {@link TetherOptions}. */
export type SpawnOptionsWithoutStdio = T<SpawnOptionsWithoutStdioBase>;
/** `node:child_process`'s `SpawnOptionsWithStdioTuple` plus {@link TetherOptions}. */
export type SpawnOptionsWithStdioTuple<
  Stdin extends StdioNull | StdioPipe,
  Stdout extends StdioNull | StdioPipe,
  Stderr extends StdioNull | StdioPipe,
> = T<SpawnOptionsWithStdioTupleBase<Stdin, Stdout, Stderr>>;
/** `node:child_process`'s `ExecOptions` plus {@link TetherOptions}. */
export type ExecOptions = T<ExecOptionsBase>;
/** `node:child_process`'s `ExecOptionsWithStringEncoding` plus {@link TetherOptions}. */
export type ExecOptionsWithStringEncoding = T<ExecOptionsWithStringEncodingBase>;
/** `node:child_process`'s `ExecOptionsWithBufferEncoding` plus {@link TetherOptions}. */
export type ExecOptionsWithBufferEncoding = T<ExecOptionsWithBufferEncodingBase>;
/** `node:child_process`'s `ExecFileOptions` plus {@link TetherOptions}. */
export type ExecFileOptions = T<ExecFileOptionsBase>;
/** `node:child_process`'s `ExecFileOptionsWithStringEncoding` plus {@link TetherOptions}. */
export type ExecFileOptionsWithStringEncoding = T<ExecFileOptionsWithStringEncodingBase>;
/** `node:child_process`'s `ExecFileOptionsWithBufferEncoding` plus {@link TetherOptions}. */
export type ExecFileOptionsWithBufferEncoding = T<ExecFileOptionsWithBufferEncodingBase>;
/** `node:child_process`'s `ForkOptions` plus {@link TetherOptions}. */
export type ForkOptions = T<ForkOptionsBase>;
/** `node:child_process`'s `SpawnSyncOptions` plus {@link TetherOptions}. */
export type SpawnSyncOptions = T<SpawnSyncOptionsBase>;
/** `node:child_process`'s `ExecSyncOptions` plus {@link TetherOptions}. */
export type ExecSyncOptions = T<ExecSyncOptionsBase>;
/** `node:child_process`'s `ExecFileSyncOptions` plus {@link TetherOptions}. */
export type ExecFileSyncOptions = T<ExecFileSyncOptionsBase>;
