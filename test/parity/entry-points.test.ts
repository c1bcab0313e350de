// exec, execFile and fork (callback, util.promisify and IPC forms) tether their children and
// accept tethered's options with @types/node's overloads. The children report their own
// PR_GET_PDEATHSIG through test/fixtures/pdeathsig.py. (exec's child is the shell: the commands
// `exec` python3 so that the tethered process is the one reporting; dash forks otherwise.)
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fixturePath } from '../helpers/fixtures.js';
import { exec, execFile, fork } from '../../lib/index.js';

const PDEATHSIG = fixturePath('pdeathsig.py');

describe('exec, execFile and fork are tethered', () => {
  it('exec tethers with SIGTERM by default (callback form)', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      exec(`exec python3 ${PDEATHSIG}`, (error, out) => {
        expectTypeOf(out).toEqualTypeOf<string>();
        if (error === null) resolve(out);
        else reject(error);
      });
    });
    expect(stdout).toBe('15\n');
  });

  it('promisify(exec) resolves {stdout, stderr} with .child and honours deathSignal', async () => {
    const promise = promisify(exec)(`exec python3 ${PDEATHSIG}`, { deathSignal: 'SIGKILL' });
    expectTypeOf(promise.child).toEqualTypeOf<ChildProcess>();
    expect(typeof promise.child.pid).toBe('number');
    const result = await promise;
    expectTypeOf(result.stdout).toEqualTypeOf<string>();
    expect(result).toEqual({ stdout: '9\n', stderr: '' });
  });

  it("promisify(execFile) with encoding 'buffer' resolves Buffers", async () => {
    const result = await promisify(execFile)('python3', [PDEATHSIG], {
      encoding: 'buffer',
      deathSignal: 2,
    });
    expectTypeOf(result.stdout).toExtend<Buffer>();
    expect(result.stdout.toString()).toBe('2\n');
  });

  it('execFile rejects through promisify with code, stdout and stderr, like Node', async () => {
    const error = (await promisify(execFile)('sh', ['-c', 'echo out; exit 3']).catch(
      (e: unknown) => e,
    )) as Error & { code?: unknown; stdout?: unknown; stderr?: unknown };
    expect({ code: error.code, stdout: error.stdout, stderr: error.stderr }).toEqual({
      code: 3,
      stdout: 'out\n',
      stderr: '',
    });
  });

  it('execFile with deathSignal null leaves the child untethered', async () => {
    const { stdout } = await promisify(execFile)('python3', [PDEATHSIG], { deathSignal: null });
    expect(stdout).toBe('0\n');
  });

  it('fork tethers the child and keeps its IPC channel', async () => {
    // fork runs `execPath [...execArgv] module`: python3 stands in for node so that the child
    // can report its own death signal; the IPC fd is simply unused.
    const child = fork(PDEATHSIG, [], {
      execPath: 'python3',
      execArgv: [],
      silent: true,
      deathSignal: 'SIGHUP',
    });
    expect(child.connected).toBe(true);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null]>;
    const closed = once(child, 'close');
    expect((await exited)[0]).toBe(0);
    await closed;
    expect(stdout).toBe('1\n');
  });

  it('fork rejects an invalid deathSignal the way Node rejects killSignal', () => {
    // @ts-expect-error -- not a signal name
    expect(() => fork('x.js', { deathSignal: 'SIGNOPE' })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_SIGNAL' }),
    );
  });
});
