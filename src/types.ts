// Public option and function types: @types/node's child_process types plus what tethered adds.
import type * as cp from 'node:child_process';
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

/** A command's arguments. */
type Argv = readonly string[];

/** @types/node's stdio entries that give the child a stream, and those that give it none. */
type Pipe = cp.StdioPipe;
type Null = cp.StdioNull;

/**
 * A call and the same call with `args` after the command: the two forms Node takes. `Rest` is what
 * follows the command (or `args`), `R` the return type.
 */
interface Forms<Rest extends unknown[], R> {
  (command: string, ...rest: Rest): R;
  (command: string, args: Argv, ...rest: Rest): R;
}

/** {@link Forms} for execFile, whose `args` may also be `undefined` or `null`. */
interface FileForms<Rest extends unknown[], R> {
  (file: string, ...rest: Rest): R;
  (file: string, args: Argv | undefined | null, ...rest: Rest): R;
}

/** What a spawn function returns for child type `C`: the child, or a promise of it. */
interface Returns<C> {
  sync: C;
  async: Promise<C>;
}

/** Options with a stdio tuple. */
type Stdio<I extends Pipe | Null, O extends Pipe | Null, E extends Pipe | Null> = [
  options: SpawnOptionsWithStdioTuple<I, O, E>,
];

/** The child for a stdio tuple's streams, or a promise of it. */
type ByStdio<
  I extends Writable | null,
  O extends Readable | null,
  E extends Readable | null,
  K extends keyof Returns<unknown>,
> = Returns<cp.ChildProcessByStdio<I, O, E>>[K];

/** Options that give the child no stdio streams: `'ignore'`/`'inherit'`, or all three `null`. */
type NullStdio = [
  options:
    | SpawnOptionsWithStdioTuple<Null, Null, Null>
    | T<cp.SpawnOptions & { stdio: 'ignore' | 'inherit' }>,
];

/**
 * The overloads of `spawn` (see {@link SpawnFunction}), each returning `Returns<child>[K]`: the two
 * below, with optional arguments, first; then each options shape with and without `args`. A call
 * fits at most one form of a pair, so calls resolve as in @types/node's order (all forms without
 * `args` first).
 */
interface SpawnOverloads<K extends keyof Returns<unknown>>
  extends
    Forms<Stdio<Pipe, Pipe, Pipe>, ByStdio<Writable, Readable, Readable, K>>,
    Forms<Stdio<Pipe, Pipe, Null>, ByStdio<Writable, Readable, null, K>>,
    Forms<Stdio<Pipe, Null, Pipe>, ByStdio<Writable, null, Readable, K>>,
    Forms<Stdio<Null, Pipe, Pipe>, ByStdio<null, Readable, Readable, K>>,
    Forms<Stdio<Pipe, Null, Null>, ByStdio<Writable, null, null, K>>,
    Forms<Stdio<Null, Pipe, Null>, ByStdio<null, Readable, null, K>>,
    Forms<Stdio<Null, Null, Pipe>, ByStdio<null, null, Readable, K>>,
    Forms<NullStdio, ByStdio<null, null, null, K>>,
    Forms<[options: SpawnOptions], Returns<cp.ChildProcess>[K]> {
  (
    command: string,
    options?: SpawnOptionsWithoutStdio,
  ): Returns<cp.ChildProcessWithoutNullStreams>[K];
  (
    command: string,
    args?: Argv,
    options?: SpawnOptionsWithoutStdio,
  ): Returns<cp.ChildProcessWithoutNullStreams>[K];
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

/** What `util.promisify(exec)` and `util.promisify(execFile)` return. */
type Output<O> = cp.PromiseWithChild<{ stdout: O; stderr: O }>;

/** execFile's optional callback. */
type FileCallback<O> = [callback?: OutputCallback<cp.ExecFileException, O> | undefined];

/* eslint-disable @typescript-eslint/unified-signatures --
   one-to-one with @types/node's exec/execFile overloads, so that calls resolve the same way. */

/** `util.promisify(exec)`: the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecPromisified {
  (command: string): Output<string>;
  (command: string, options: ExecOptionsWithBufferEncoding): Output<OutputBuffer>;
  (command: string, options: ExecOptionsWithStringEncoding): Output<string>;
  (command: string, options: ExecOptions | undefined | null): Output<string | OutputBuffer>;
}

/** `exec` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFunction {
  (command: string, callback?: OutputCallback<cp.ExecException, string>): cp.ChildProcess;
  (
    command: string,
    options: ExecOptionsWithBufferEncoding,
    callback?: OutputCallback<cp.ExecException, OutputBuffer>,
  ): cp.ChildProcess;
  (
    command: string,
    options: ExecOptionsWithStringEncoding,
    callback?: OutputCallback<cp.ExecException, string>,
  ): cp.ChildProcess;
  (
    command: string,
    options: ExecOptions | undefined | null,
    callback?: OutputCallback<cp.ExecException, string | OutputBuffer>,
  ): cp.ChildProcess;
  /** Typing hook of `util.promisify` (the runtime uses `util.promisify.custom`, as Node does). */
  __promisify__: ExecPromisified;
}

/** `util.promisify(execFile)`: the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFilePromisified
  extends
    FileForms<[], Output<string>>,
    FileForms<[options: ExecFileOptionsWithBufferEncoding], Output<OutputBuffer>>,
    FileForms<[options: ExecFileOptionsWithStringEncoding], Output<string>>,
    FileForms<[options: ExecFileOptions | undefined | null], Output<string | OutputBuffer>> {}

/** `execFile` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFileFunction
  extends
    FileForms<FileCallback<string>, cp.ChildProcess>,
    FileForms<
      [options: ExecFileOptionsWithBufferEncoding, ...FileCallback<OutputBuffer>],
      cp.ChildProcess
    >,
    FileForms<
      [options: ExecFileOptionsWithStringEncoding, ...FileCallback<string>],
      cp.ChildProcess
    >,
    FileForms<
      [
        options: ExecFileOptions | undefined | null,
        callback: OutputCallback<cp.ExecFileException, string | OutputBuffer> | undefined | null,
      ],
      cp.ChildProcess
    > {
  /** Typing hook of `util.promisify` (the runtime uses `util.promisify.custom`, as Node does). */
  __promisify__: ExecFilePromisified;
}

/** `fork` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ForkFunction {
  (modulePath: string | URL, options?: ForkOptions): cp.ChildProcess;
  (modulePath: string | URL, args?: Argv, options?: ForkOptions): cp.ChildProcess;
}

/** `spawnSync` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface SpawnSyncFunction {
  (command: string): cp.SpawnSyncReturns<OutputBuffer>;
  (command: string, options: T<cp.SpawnSyncOptionsWithStringEncoding>): cp.SpawnSyncReturns<string>;
  (
    command: string,
    options: T<cp.SpawnSyncOptionsWithBufferEncoding>,
  ): cp.SpawnSyncReturns<OutputBuffer>;
  (command: string, options?: SpawnSyncOptions): cp.SpawnSyncReturns<string | OutputBuffer>;
  (command: string, args: Argv): cp.SpawnSyncReturns<OutputBuffer>;
  (
    command: string,
    args: Argv,
    options: T<cp.SpawnSyncOptionsWithStringEncoding>,
  ): cp.SpawnSyncReturns<string>;
  (
    command: string,
    args: Argv,
    options: T<cp.SpawnSyncOptionsWithBufferEncoding>,
  ): cp.SpawnSyncReturns<OutputBuffer>;
  (
    command: string,
    args?: Argv,
    options?: SpawnSyncOptions,
  ): cp.SpawnSyncReturns<string | OutputBuffer>;
}

/** `execSync` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecSyncFunction {
  (command: string): OutputBuffer;
  (command: string, options: T<cp.ExecSyncOptionsWithStringEncoding>): string;
  (command: string, options: T<cp.ExecSyncOptionsWithBufferEncoding>): OutputBuffer;
  (command: string, options?: ExecSyncOptions): string | OutputBuffer;
}

/** `execFileSync` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface ExecFileSyncFunction {
  (file: string): OutputBuffer;
  (file: string, options: T<cp.ExecFileSyncOptionsWithStringEncoding>): string;
  (file: string, options: T<cp.ExecFileSyncOptionsWithBufferEncoding>): OutputBuffer;
  (file: string, options?: ExecFileSyncOptions): string | OutputBuffer;
  (file: string, args: Argv): OutputBuffer;
  (file: string, args: Argv, options: T<cp.ExecFileSyncOptionsWithStringEncoding>): string;
  (file: string, args: Argv, options: T<cp.ExecFileSyncOptionsWithBufferEncoding>): OutputBuffer;
  (file: string, args?: Argv, options?: ExecFileSyncOptions): string | OutputBuffer;
}

/* eslint-enable @typescript-eslint/unified-signatures */

// The option types of node:child_process, widened with TetherOptions, under the names users
// already import: swapping `from 'node:child_process'` for `from 'tethered'` keeps them working.

/** `node:child_process`'s `SpawnOptions` plus {@link TetherOptions}. */
export type SpawnOptions = T<cp.SpawnOptions>;
/** `node:child_process`'s `SpawnOptionsWithoutStdio` plus {@link TetherOptions}. */
export type SpawnOptionsWithoutStdio = T<cp.SpawnOptionsWithoutStdio>;
/** `node:child_process`'s `SpawnOptionsWithStdioTuple` plus {@link TetherOptions}. */
export type SpawnOptionsWithStdioTuple<
  Stdin extends Pipe | Null,
  Stdout extends Pipe | Null,
  Stderr extends Pipe | Null,
> = T<cp.SpawnOptionsWithStdioTuple<Stdin, Stdout, Stderr>>;
/** `node:child_process`'s `ExecOptions` plus {@link TetherOptions}. */
export type ExecOptions = T<cp.ExecOptions>;
/** `node:child_process`'s `ExecOptionsWithStringEncoding` plus {@link TetherOptions}. */
export type ExecOptionsWithStringEncoding = T<cp.ExecOptionsWithStringEncoding>;
/** `node:child_process`'s `ExecOptionsWithBufferEncoding` plus {@link TetherOptions}. */
export type ExecOptionsWithBufferEncoding = T<cp.ExecOptionsWithBufferEncoding>;
/** `node:child_process`'s `ExecFileOptions` plus {@link TetherOptions}. */
export type ExecFileOptions = T<cp.ExecFileOptions>;
/** `node:child_process`'s `ExecFileOptionsWithStringEncoding` plus {@link TetherOptions}. */
export type ExecFileOptionsWithStringEncoding = T<cp.ExecFileOptionsWithStringEncoding>;
/** `node:child_process`'s `ExecFileOptionsWithBufferEncoding` plus {@link TetherOptions}. */
export type ExecFileOptionsWithBufferEncoding = T<cp.ExecFileOptionsWithBufferEncoding>;
/** `node:child_process`'s `ForkOptions` plus {@link TetherOptions}. */
export type ForkOptions = T<cp.ForkOptions>;
/** `node:child_process`'s `SpawnSyncOptions` plus {@link TetherOptions}. */
export type SpawnSyncOptions = T<cp.SpawnSyncOptions>;
/** `node:child_process`'s `ExecSyncOptions` plus {@link TetherOptions}. */
export type ExecSyncOptions = T<cp.ExecSyncOptions>;
/** `node:child_process`'s `ExecFileSyncOptions` plus {@link TetherOptions}. */
export type ExecFileSyncOptions = T<cp.ExecFileSyncOptions>;
