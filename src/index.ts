// Public surface of tethered.
export { spawn, spawnAsync, exec, execFile, fork } from './child-process.js';
export { capabilities, type Capabilities } from './capabilities.js';
export { killTree, type KillTreeOptions } from './kill-tree.js';
export { getDefaults, setDefaults, type TetherDefaults } from './defaults.js';
export { ChildProcess } from 'node:child_process';
export type {
  ChildProcessByStdio,
  ChildProcessWithoutNullStreams,
  ExecException,
  ExecFileOptions,
  ExecOptions,
  ForkOptions,
  SpawnOptions,
  SpawnOptionsWithoutStdio,
  SpawnOptionsWithStdioTuple,
  StdioNull,
  StdioOptions,
  StdioPipe,
} from 'node:child_process';
export type { SpawnAsyncFunction, SpawnFunction, TetherOptions } from './types.js';
