// A consumer of the published typings (resolved through package.json "exports" to lib/*.d.ts).
// Compiled, never run, by types.test.ts: every line below must type-check, and every
// `@ts-expect-error` must still be an error, or tsc fails. Values that exist only to be type-checked
// are never read, hence:
/* eslint-disable @typescript-eslint/no-unused-vars, @typescript-eslint/no-unnecessary-type-parameters */
import type * as childProcess from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import * as tethered from 'tethered';
import {
  exec,
  execFile,
  execFileSync,
  execSync,
  fork,
  getDefaults,
  killTree,
  setDefaults,
  spawn,
  spawnAsync,
  spawnSync,
} from 'tethered';
import { register as registerFromModule } from 'tethered/register';

/** True exactly when A and B are the same type (not merely assignable, and not `any`). */
type Equals<A, B> =
  (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

function assertType<A, B>(check: Equals<A, B>): Equals<A, B> {
  return check;
}

// stdio: 'pipe' gives streams; 'ignore' gives null, as with @types/node.
const piped = spawn('x', [], { stdio: 'pipe' });
assertType<typeof piped.stdout, Readable>(true);
assertType<typeof piped.stdin, Writable>(true);

// ('ignore' -> null is tethered's promise; @types/node 20 itself says `Readable | null` here.)
const ignored = spawn('x', [], { stdio: 'ignore' });
assertType<typeof ignored.stdout, null>(true);

const mixed = spawn('x', ['a'], { stdio: ['ignore', 'pipe', 'ignore'] });
assertType<typeof mixed.stdout, Readable>(true);
assertType<typeof mixed.stderr, null>(true);

const defaults = spawn('x');
assertType<typeof defaults.stdout, Readable>(true);

// A tethered child is the ChildProcess type node:child_process users already have.
const asNode: childProcess.ChildProcessWithoutNullStreams = spawn('x', ['y']);
const byStdio: childProcess.ChildProcessByStdio<null, Readable, null> = mixed;

// deathSignal: signal names, numbers, null.
spawn('x', [], { deathSignal: 'SIGKILL' });
spawn('x', [], { deathSignal: 9 });
spawn('x', [], { deathSignal: null, detached: true });
spawn('x', { deathSignal: 'SIGINT', stdio: 'ignore' });
// @ts-expect-error -- not a signal name
spawn('x', [], { deathSignal: 'SIGNOPE' });
// @ts-expect-error -- not a signal name
spawn('x', { deathSignal: 'kill' });
// @ts-expect-error -- booleans are not signals
spawn('x', [], { deathSignal: true });

// requireTether is a boolean option.
spawn('x', [], { requireTether: true });
// @ts-expect-error -- not a boolean
spawn('x', [], { requireTether: 'yes' });

// spawnAsync resolves with the same child types.
export async function asyncConsumer(): Promise<void> {
  const child = await spawnAsync('x', [], { deathSignal: 'SIGTERM' });
  assertType<typeof child.stdout, Readable>(true);
  const quiet = await spawnAsync('x', [], { stdio: 'ignore' });
  assertType<typeof quiet.stdout, null>(true);
  const mixedAsync = await spawnAsync('x', { stdio: ['pipe', 'ignore', 'pipe'] });
  assertType<typeof mixedAsync.stdout, null>(true);
  assertType<typeof mixedAsync.stderr, Readable>(true);
}

// exec/execFile/fork can stand in for Node's (callbacks, util.promisify overloads).
const nodeExec: typeof childProcess.exec = exec;
const nodeExecFile: typeof childProcess.execFile = execFile;
const nodeFork: typeof childProcess.fork = fork;
exec('x', { deathSignal: 'SIGKILL' }, (error) => error);
execFile('x', ['y'], { deathSignal: 9 });
fork('x.js', [], { deathSignal: null, requireTether: true });
// @ts-expect-error -- not a signal name
exec('x', { deathSignal: 'SIGNOPE' });
exec('x', (error, stdout) => {
  assertType<typeof error, childProcess.ExecException | null>(true);
  assertType<typeof stdout, string>(true);
});

// spawnSync/execSync/execFileSync stand in for Node's and keep its encoding-dependent types.
const nodeSpawnSync: typeof childProcess.spawnSync = spawnSync;
const nodeExecSync: typeof childProcess.execSync = execSync;
const nodeExecFileSync: typeof childProcess.execFileSync = execFileSync;
const text = spawnSync('x', ['y'], { encoding: 'utf8', deathSignal: 'SIGKILL' });
assertType<typeof text.stdout, string>(true);
const raw = spawnSync('x', { requireTether: true });
assertType<typeof raw.stdout, ReturnType<typeof Buffer.alloc>>(true);
const shellOut = execSync('x', { encoding: 'utf8', deathSignal: null });
assertType<typeof shellOut, string>(true);
const fileOut = execFileSync('x', ['y'], { deathSignal: 15 });
assertType<typeof fileOut, ReturnType<typeof Buffer.alloc>>(true);
// @ts-expect-error -- not a signal name
execFileSync('x', { deathSignal: 'SIGNOPE' });
export const syncStandIns = [nodeSpawnSync, nodeExecSync, nodeExecFileSync];

// The option types users import are exported already widened with deathSignal/requireTether, and
// the other child_process types come with them, so `from 'node:child_process'` can become
// `from 'tethered'` in type imports too.
const spawnOptions: tethered.SpawnOptions = { deathSignal: 'SIGKILL', requireTether: true };
const withoutStdio: tethered.SpawnOptionsWithoutStdio = { deathSignal: 9, cwd: '/' };
const tuple: tethered.SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'inherit'> = {
  stdio: ['ignore', 'pipe', 'inherit'],
  deathSignal: null,
};
const execOptions: tethered.ExecOptions = { deathSignal: 'SIGTERM', timeout: 1 };
const execString: tethered.ExecOptionsWithStringEncoding = { encoding: 'utf8', deathSignal: 1 };
const execBuffer: tethered.ExecOptionsWithBufferEncoding = { encoding: 'buffer' };
const execFileOptions: tethered.ExecFileOptions = { requireTether: false };
const execFileString: tethered.ExecFileOptionsWithStringEncoding = { encoding: 'utf8' };
const execFileBuffer: tethered.ExecFileOptionsWithBufferEncoding = { encoding: 'buffer' };
const forkOptions: tethered.ForkOptions = { deathSignal: 'SIGKILL', silent: true };
// @ts-expect-error -- still checked: not a signal name
const badSignal: tethered.SpawnOptions = { deathSignal: 'SIGNOPE' };
// @ts-expect-error -- still checked: not a boolean
const badRequire: tethered.ForkOptions = { requireTether: 'yes' };
// The widened options are accepted where node's are expected, and by tethered's functions.
const asNodeOptions: childProcess.SpawnOptions = spawnOptions;
spawn('x', [], spawnOptions);
const tupleChild = spawn('x', [], tuple);
assertType<typeof tupleChild.stdout, Readable>(true);
assertType<typeof tupleChild.stdin, null>(true);
exec('x', execString, (error, stdout) => {
  assertType<typeof stdout, string>(true);
});
fork('x.js', forkOptions);

// Re-exported unchanged: the very types of @types/node.
assertType<tethered.ExecException, childProcess.ExecException>(true);
assertType<tethered.ExecFileException, childProcess.ExecFileException>(true);
assertType<tethered.ChildProcessWithoutNullStreams, childProcess.ChildProcessWithoutNullStreams>(
  true,
);
assertType<
  tethered.ChildProcessByStdio<Writable, null, Readable>,
  childProcess.ChildProcessByStdio<Writable, null, Readable>
>(true);
assertType<tethered.StdioOptions, childProcess.StdioOptions>(true);
assertType<tethered.Serializable, childProcess.Serializable>(true);
assertType<tethered.SendHandle, childProcess.SendHandle>(true);
assertType<tethered.StdioNull, childProcess.StdioNull>(true);
assertType<tethered.StdioPipe, childProcess.StdioPipe>(true);

// register() and the defaults, from the main entry and from tethered/register.
tethered.register({ deathSignal: 'SIGKILL', requireTether: true });
registerFromModule({ deathSignal: 9 });
tethered.setDefaults({ deathSignal: null });
const current: Readonly<tethered.TetherDefaults> = tethered.getDefaults();
// @ts-expect-error -- not a default tethered knows
tethered.register({ deathSignl: 'SIGKILL' });

// Tree mode: tree/treeGraceMs on every entry point, killTree, process-wide defaults.
const treeChild = spawn('x', [], { tree: true, treeGraceMs: 500 });
assertType<typeof treeChild.stdout, Readable>(true);
exec('x', { tree: true }, (error) => error);
execFile('x', ['y'], { tree: true, treeGraceMs: 0 });
fork('x.js', [], { tree: true });
export async function treeAsync(): Promise<void> {
  const child = await spawnAsync('x', [], { tree: true, stdio: 'ignore' });
  assertType<typeof child.stdout, null>(true);
}
const killed: boolean = killTree(treeChild, 'SIGKILL', { graceMs: 100 });
declare const nodeChild: childProcess.ChildProcess;
killTree(nodeChild);
setDefaults({ tree: true });
const treeDefault: boolean | undefined = getDefaults().tree;
registerFromModule({ tree: true, treeGraceMs: 1000 });
// @ts-expect-error -- not a boolean
spawn('x', [], { tree: 'yes' });
// @ts-expect-error -- not a number
spawn('x', [], { treeGraceMs: '5' });
export const treeValues = [killed, treeDefault];
