// Public surface of tethered.
export { spawn, spawnAsync, exec, execFile, fork } from './child-process.js';
export { capabilities, type Capabilities } from './capabilities.js';
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
  StdioNull,
  StdioOptions,
  StdioPipe,
} from 'node:child_process';
// ... and its option types, widened with deathSignal and requireTether.
export type {
  ExecFileOptions,
  ExecFileOptionsWithBufferEncoding,
  ExecFileOptionsWithStringEncoding,
  ExecOptions,
  ExecOptionsWithBufferEncoding,
  ExecOptionsWithStringEncoding,
  ForkOptions,
  SpawnOptions,
  SpawnOptionsWithoutStdio,
  SpawnOptionsWithStdioTuple,
} from './types.js';
export type { SpawnAsyncFunction, SpawnFunction, TetherOptions } from './types.js';
