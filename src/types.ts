// Public option and function types: @types/node's child_process types plus what tethered adds.
import type {
  ChildProcess,
  ChildProcessByStdio,
  ChildProcessWithoutNullStreams,
  SpawnOptions,
  SpawnOptionsWithoutStdio,
  SpawnOptionsWithStdioTuple,
  StdioNull,
  StdioPipe,
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
}

type T<O> = O & TetherOptions;

/** `spawn` with the overloads of `node:child_process`'s, plus {@link TetherOptions}. */
export interface SpawnFunction {
  (command: string, options?: T<SpawnOptionsWithoutStdio>): ChildProcessWithoutNullStreams;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioPipe, StdioPipe>>,
  ): ChildProcessByStdio<Writable, Readable, Readable>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioPipe, StdioNull>>,
  ): ChildProcessByStdio<Writable, Readable, null>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioNull, StdioPipe>>,
  ): ChildProcessByStdio<Writable, null, Readable>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioPipe, StdioPipe>>,
  ): ChildProcessByStdio<null, Readable, Readable>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioNull, StdioNull>>,
  ): ChildProcessByStdio<Writable, null, null>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioPipe, StdioNull>>,
  ): ChildProcessByStdio<null, Readable, null>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioNull, StdioPipe>>,
  ): ChildProcessByStdio<null, null, Readable>;
  (
    command: string,
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioNull, StdioNull>>,
  ): ChildProcessByStdio<null, null, null>;
  (command: string, options: T<SpawnOptions>): ChildProcess;
  (
    command: string,
    args?: readonly string[],
    options?: T<SpawnOptionsWithoutStdio>,
  ): ChildProcessWithoutNullStreams;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioPipe, StdioPipe>>,
  ): ChildProcessByStdio<Writable, Readable, Readable>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioPipe, StdioNull>>,
  ): ChildProcessByStdio<Writable, Readable, null>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioNull, StdioPipe>>,
  ): ChildProcessByStdio<Writable, null, Readable>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioPipe, StdioPipe>>,
  ): ChildProcessByStdio<null, Readable, Readable>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioPipe, StdioNull, StdioNull>>,
  ): ChildProcessByStdio<Writable, null, null>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioPipe, StdioNull>>,
  ): ChildProcessByStdio<null, Readable, null>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioNull, StdioPipe>>,
  ): ChildProcessByStdio<null, null, Readable>;
  (
    command: string,
    args: readonly string[],
    options: T<SpawnOptionsWithStdioTuple<StdioNull, StdioNull, StdioNull>>,
  ): ChildProcessByStdio<null, null, null>;
  (command: string, args: readonly string[], options: T<SpawnOptions>): ChildProcess;
}

/** {@link SpawnFunction}'s overloads, resolving with the child once it runs. */
export interface SpawnAsyncFunction {
  (command: string, options?: T<SpawnOptionsWithoutStdio>): Promise<ChildProcessWithoutNullStreams>;
  (command: string, options: T<SpawnOptions>): Promise<ChildProcess>;
  (
    command: string,
    args?: readonly string[],
    options?: T<SpawnOptionsWithoutStdio>,
  ): Promise<ChildProcessWithoutNullStreams>;
  (command: string, args: readonly string[], options: T<SpawnOptions>): Promise<ChildProcess>;
}
