// Public surface of tethered.
export { spawn, spawnAsync, exec, execFile, fork } from './child-process.js';
export { spawnSync, execSync, execFileSync } from './child-process-sync.js';
export { capabilities, type Capabilities } from './capabilities.js';
export { ChildProcess } from 'node:child_process';
export type {
  ChildProcessByStdio,
  ChildProcessWithoutNullStreams,
  ExecException,
  ExecFileOptions,
  ExecOptions,
  ExecSyncOptions,
  ExecFileSyncOptions,
  ForkOptions,
  SpawnOptions,
  SpawnOptionsWithoutStdio,
  SpawnOptionsWithStdioTuple,
  SpawnSyncOptions,
  SpawnSyncReturns,
  StdioNull,
  StdioOptions,
  StdioPipe,
} from 'node:child_process';
export type {
  ExecFileSyncFunction,
  ExecSyncFunction,
  SpawnAsyncFunction,
  SpawnFunction,
  SpawnSyncFunction,
  TetherOptions,
} from './types.js';
