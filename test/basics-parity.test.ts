// Issue 2, test group 4: one scenario run through node:child_process and through tethered in the
// same test; the observable results must be the same (and are also checked against known values).
import * as nodeChildProcess from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { capabilities, spawn as tetheredSpawn } from '../lib/index.js';
import { killQuietly } from './helpers/proc.js';

type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

const implementations: Record<'node' | 'tethered', Spawn> = {
  node: nodeChildProcess.spawn,
  tethered: tetheredSpawn,
};

/** The fields of a spawn error that callers read. */
interface ErrorFields {
  name: string;
  message: string;
  code: unknown;
  errno: unknown;
  syscall: unknown;
  path: unknown;
  spawnargs: unknown;
}

/** Everything observable about one child, from spawn() to 'close'. */
interface Observation {
  pidIsNumber: boolean;
  events: unknown[][];
  /** Output bytes as latin1 strings (one char per byte), or null without a stream. */
  stdout: string | null;
  stderr: string | null;
  driven: unknown;
}

function errorFields(error: unknown): ErrorFields {
  const e = error as Record<string, unknown> & Error;
  return {
    name: e.name,
    message: e.message,
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    path: e.path,
    spawnargs: e.spawnargs,
  };
}

function collect(stream: NodeJS.ReadableStream | null): () => string | null {
  if (stream === null) return () => null;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('latin1');
}

/**
 * Spawns with `spawn`, records 'spawn'/'exit'/'error'/'close' (in order, with their arguments)
 * and the output, and runs `drive` on the child right after spawn() returned; resolves at 'close'.
 */
async function observe(
  spawn: Spawn,
  command: string,
  args: string[],
  options: SpawnOptions = {},
  drive?: (child: ChildProcess) => unknown,
): Promise<Observation> {
  const child = spawn(command, args, options);
  try {
    const events: unknown[][] = [];
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    child.on('spawn', () => events.push(['spawn']));
    child.on('exit', (code, signal) => events.push(['exit', code, signal]));
    child.on('error', (error) => events.push(['error', errorFields(error)]));
    const closed = new Promise<void>((resolve) => {
      child.on('close', (code, signal) => {
        events.push(['close', code, signal]);
        resolve();
      });
    });
    const driven = await drive?.(child);
    await closed;
    return {
      pidIsNumber: typeof child.pid === 'number',
      events,
      stdout: stdout(),
      stderr: stderr(),
      driven,
    };
  } finally {
    killQuietly(child.pid);
  }
}

/** Runs the same scenario through both, expects equal observations, and returns tethered's. */
async function parity(
  ...scenario: Parameters<typeof observe> extends [Spawn, ...infer R] ? R : never
) {
  const fromNode = await observe(implementations.node, ...scenario);
  const fromTethered = await observe(implementations.tethered, ...scenario);
  expect(fromTethered).toEqual(fromNode);
  return fromTethered;
}

/** Whatever spawn() throws synchronously, as fields. */
function thrownBy(spawn: Spawn, command: string, args: string[], options: SpawnOptions) {
  try {
    const child = spawn(command, args, options);
    killQuietly(child.pid);
  } catch (error) {
    return errorFields(error);
  }
  return undefined;
}

describe('tethered spawn behaves like node:child_process', () => {
  beforeAll(() => {
    // Otherwise tethered falls back to Node's own handle and parity would hold trivially.
    expect(capabilities().deathSignal).toBe(true);
  });

  it('stdout, stderr and the exit code of a child', async () => {
    const seen = await parity('sh', ['-c', 'printf out; printf err >&2; exit 3']);
    expect(seen.stdout).toBe('out');
    expect(seen.stderr).toBe('err');
    expect(seen.events).toEqual([['spawn'], ['exit', 3, null], ['close', 3, null]]);
  });

  it.each([0, 1, 42, 255])('exit code %i', async (code) => {
    const seen = await parity('sh', ['-c', `exit ${code}`]);
    expect(seen.events).toEqual([['spawn'], ['exit', code, null], ['close', code, null]]);
  });

  it('stdin bytes reach the child unchanged (1 MiB of every byte value, through cat)', async () => {
    const input = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      randomBytes(1 << 20),
    ]);
    const seen = await parity('cat', [], {}, (child) => {
      child.stdin?.end(input);
    });
    expect(seen.stdout === input.toString('latin1')).toBe(true);
    expect(seen.events).toEqual([['spawn'], ['exit', 0, null], ['close', 0, null]]);
  });

  it("stdio 'ignore' gives null streams", async () => {
    const seen = await parity('sh', ['-c', 'echo hidden'], { stdio: 'ignore' });
    expect(seen.stdout).toBeNull();
    expect(seen.events).toEqual([['spawn'], ['exit', 0, null], ['close', 0, null]]);
  });

  it('death by a signal sent with kill(): exit and close report the signal', async () => {
    const seen = await parity('sleep', ['60'], {}, (child) => ({
      first: child.kill('SIGKILL'),
      killed: child.killed,
    }));
    expect(seen.driven).toEqual({ first: true, killed: true });
    expect(seen.events).toEqual([['spawn'], ['exit', null, 'SIGKILL'], ['close', null, 'SIGKILL']]);
  });

  it('death by a signal the child sends itself', async () => {
    const seen = await parity('sh', ['-c', 'kill -USR1 $$']);
    expect(seen.events).toEqual([['spawn'], ['exit', null, 'SIGUSR1'], ['close', null, 'SIGUSR1']]);
  });

  it('kill() return values: live child, signal 0, after exit, after a failed spawn', async () => {
    const live = await parity('sleep', ['60'], {}, async (child) => {
      const probe = child.kill(0);
      const term = child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
      return { probe, term, afterExit: child.kill(), killed: child.killed };
    });
    expect(live.driven).toEqual({ probe: true, term: true, afterExit: false, killed: true });
    expect(live.events).toEqual([['spawn'], ['exit', null, 'SIGTERM'], ['close', null, 'SIGTERM']]);

    // kill() only after 'error': before it, Node 20 signals its own process group.
    const failed = await parity('tethered-no-such-command', [], {}, async (child) => {
      await new Promise((resolve) => child.once('error', resolve));
      return { afterError: child.kill() };
    });
    expect(failed.driven).toEqual({ afterError: false });
  });

  it("a command that does not exist: 'error' (ENOENT) then 'close', same error fields", async () => {
    const seen = await parity('tethered-no-such-command', ['a', 'b']);
    expect(seen.pidIsNumber).toBe(false);
    expect(seen.events).toEqual([
      [
        'error',
        {
          name: 'Error',
          message: 'spawn tethered-no-such-command ENOENT',
          code: 'ENOENT',
          errno: -2,
          syscall: 'spawn tethered-no-such-command',
          path: 'tethered-no-such-command',
          spawnargs: ['a', 'b'],
        },
      ],
      ['close', -2, null],
    ]);
  });

  it("a cwd that does not exist: 'error' ENOENT naming the command, then 'close'", async () => {
    const seen = await parity('ls', ['-l'], { cwd: '/nonexistent/tethered-dir' });
    expect(seen.events).toEqual([
      [
        'error',
        {
          name: 'Error',
          message: 'spawn ls ENOENT',
          code: 'ENOENT',
          errno: -2,
          syscall: 'spawn ls',
          path: 'ls',
          spawnargs: ['-l'],
        },
      ],
      ['close', -2, null],
    ]);
  });

  it('a cwd that is a file: spawn() throws ENOTDIR', () => {
    const options = { cwd: '/etc/passwd' };
    const fromNode = thrownBy(implementations.node, 'ls', [], options);
    const fromTethered = thrownBy(implementations.tethered, 'ls', [], options);
    expect(fromTethered).toEqual(fromNode);
    expect(fromTethered).toMatchObject({
      message: 'spawn ENOTDIR',
      code: 'ENOTDIR',
      syscall: 'spawn',
    });
  });
});
