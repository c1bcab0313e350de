// Public surface of tethered.
export { spawn, spawnAsync, exec, execFile, fork } from './child-process.js';
export { capabilities, type Capabilities } from './capabilities.js';
export { getDefaults, setDefaults, type TetherDefaults } from './defaults.js';
export { register } from './register-api.js';
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
