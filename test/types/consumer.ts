// A consumer of the published typings (resolved through package.json "exports" to lib/*.d.ts).
// Compiled, never run, by types.test.ts: every line below must type-check, and every
// `@ts-expect-error` must still be an error, or tsc fails. Values that exist only to be type-checked
// are never read, hence:
/* eslint-disable @typescript-eslint/no-unused-vars, @typescript-eslint/no-unnecessary-type-parameters */
import type * as childProcess from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import {
  exec,
  execFile,
  execFileSync,
  execSync,
  fork,
  spawn,
  spawnAsync,
  spawnSync,
} from 'tethered';

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
