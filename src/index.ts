// Public surface of tethered.
export { spawn, exec, execFile, fork, spawnSync, execSync, execFileSync } from './child-process.js';
export { spawnAsync } from './spawn-async.js';
export { capabilities, type Capabilities } from './capabilities.js';
export { killTree, type KillTreeOptions } from './kill-tree.js';
export { getDefaults, setDefaults, type TetherDefaults } from './defaults.js';
export { register } from './register-api.js';
export { ChildProcess } from 'node:child_process';
// @types/node's child_process types users import, unchanged...
export type {
  ChildProcessByStdio,
  ChildProcessWithoutNullStreams,
  ExecException,
  ExecFileException,
  IOType,
  SendHandle,
  Serializable,
  SpawnSyncReturns,
  StdioNull,
  StdioOptions,
  StdioPipe,
} from 'node:child_process';
// ... and its option types, widened with the options tethered adds, and the function types.
export type {
  ExecFileOptions,
  ExecFileOptionsWithBufferEncoding,
  ExecFileOptionsWithStringEncoding,
  ExecFileSyncFunction,
  ExecFileSyncOptions,
  ExecOptions,
  ExecOptionsWithBufferEncoding,
  ExecOptionsWithStringEncoding,
  ExecSyncFunction,
  ExecSyncOptions,
  ForkOptions,
  SpawnAsyncFunction,
  SpawnFunction,
  SpawnOptions,
  SpawnOptionsWithoutStdio,
  SpawnOptionsWithStdioTuple,
  SpawnSyncFunction,
  SpawnSyncOptions,
  TetherOptions,
} from './types.js';
