// Argument validation: Node's own validators throw before any handle is used, so each major's
// codes and messages (which differ between majors) come out of tethered unchanged.
import { PassThrough } from 'node:stream';
import { attempt, type Api, type LooseCall, type Run, type Scenario } from '../harness.js';

type Entry = keyof Api;

function rejects(name: string, entry: Entry, ...args: unknown[]): Scenario {
  return {
    name,
    reachesHandle: false,
    run: (run: Run) => {
      const call = run.api[entry] as unknown as LooseCall;
      const result = attempt(() => call(...args));
      // A call that unexpectedly succeeds must not leave a child behind.
      if ('value' in result) {
        run.track(result.value);
        return Promise.resolve({ unexpectedlySpawned: true });
      }
      return Promise.resolve(result);
    },
  };
}

export const validation: readonly Scenario[] = [
  rejects('file that is a number', 'spawn', 123),
  rejects('file that is empty', 'spawn', ''),
  rejects('file with a NUL byte', 'spawn', 'ls\u0000x'),
  rejects('args that is a string', 'spawn', 'ls', '-l'),
  rejects('an argument with a NUL byte', 'spawn', 'echo', ['a\u0000b']),
  rejects('options that is a string', 'spawn', 'ls', [], 'opts'),
  rejects('options that is null', 'spawn', 'ls', [], null),
  rejects('cwd that is a number', 'spawn', 'ls', { cwd: 5 }),
  rejects('cwd with a NUL byte', 'spawn', 'ls', { cwd: 'dir\u0000x' }),
  rejects('cwd that is a non-file URL', 'spawn', 'ls', { cwd: new URL('http://example.com/') }),
  rejects('env value with a NUL byte', 'spawn', 'ls', { env: { A: 'x\u0000y' } }),
  rejects('env key with a NUL byte', 'spawn', 'ls', { env: { 'A\u0000B': 'x' } }),
  rejects('argv0 that is a number', 'spawn', 'ls', { argv0: 1 }),
  rejects('detached that is a string', 'spawn', 'ls', { detached: 'yes' }),
  rejects('uid that is not an integer', 'spawn', 'ls', { uid: 1.5 }),
  rejects('gid that is a string', 'spawn', 'ls', { gid: '0' }),
  rejects('uid beyond int32', 'spawn', 'ls', { uid: 2 ** 63 }),
  rejects('shell that is a number', 'spawn', 'ls', { shell: 1 }),
  rejects("stdio 'bogus'", 'spawn', 'ls', { stdio: 'bogus' }),
  rejects("stdio ['pipe', 'bogus']", 'spawn', 'ls', { stdio: ['pipe', 'bogus'] }),
  rejects('stdio with a Buffer', 'spawn', 'ls', { stdio: [Buffer.from('x')] }),
  rejects('stdio with a stream that has no fd', 'spawn', 'ls', { stdio: [new PassThrough()] }),
  rejects("two 'ipc' entries", 'spawn', 'ls', { stdio: ['pipe', 'pipe', 'pipe', 'ipc', 'ipc'] }),
  rejects("serialization 'xml'", 'spawn', 'ls', { serialization: 'xml' }),
  rejects('timeout -1', 'spawn', 'ls', { timeout: -1 }),
  rejects("timeout 'x'", 'spawn', 'ls', { timeout: 'x' }),
  rejects('signal that is not an AbortSignal', 'spawn', 'ls', { signal: {} }),
  rejects("killSignal 'SIGFOO'", 'spawn', 'ls', { killSignal: 'SIGFOO' }),
  rejects('killSignal that is an object', 'spawn', 'ls', { killSignal: {} }),
  rejects("windowsHide 'x'", 'spawn', 'ls', { windowsHide: 'x' }),
  rejects("windowsVerbatimArguments 'x'", 'spawn', 'ls', { windowsVerbatimArguments: 'x' }),
  rejects("fork without an 'ipc' entry", 'fork', 'x.js', { stdio: ['pipe', 'pipe', 'pipe'] }),
  rejects('fork of a number', 'fork', 42),
  rejects('execFile with args that is a number', 'execFile', 'ls', 5, () => undefined),
  rejects('exec of a number', 'exec', 42, () => undefined),
  rejects("exec with killSignal 'SIGFOO'", 'exec', 'true', { killSignal: 'SIGFOO' }),
];
