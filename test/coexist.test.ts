// Tethered never reaps what it did not spawn (no waitpid(-1), SIGCHLD left
// to libuv), so Node's own children keep emitting 'exit' next to tethered ones, and vice versa.
import * as nodeChildProcess from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn as tetheredSpawn } from '../lib/index.js';
import { fixturePath } from './helpers/fixtures.js';
import { isAlive, killQuietly } from './helpers/proc.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    killQuietly(child);
  }
});

type Spawn = (command: string, args: string[]) => ChildProcess;
const spawners: Record<'node' | 'tethered', Spawn> = {
  node: (command, args) => nodeChildProcess.spawn(command, args, { stdio: 'ignore' }),
  tethered: (command, args) => tetheredSpawn(command, args, { stdio: 'ignore' }),
};

function start(origin: keyof typeof spawners, command: string, args: string[]): ChildProcess {
  const child = spawners[origin](command, args);
  started.push(child);
  return child;
}

/** Starts `count` short children of `origin`, each exiting with its own code; resolves their exits. */
function shortChildren(origin: keyof typeof spawners, count: number): Promise<unknown[][]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      once(start(origin, 'sh', ['-c', `exit ${20 + i}`]), 'exit'),
    ),
  );
}

function expectedExits(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [20 + i, null]);
}

describe.each([
  ['node:child_process', 'node', 'tethered'],
  ['tethered', 'tethered', 'node'],
] as const)('%s children emit exit while the other kind runs', (_name, short, long) => {
  it(`${short} children exit (with their codes) while ${long} children keep running`, async () => {
    const running = Array.from({ length: 3 }, () => start(long, 'sleep', ['60']));
    const runningExits = running.map((child) => once(child, 'exit'));

    expect(await shortChildren(short, 6)).toEqual(expectedExits(6));
    expect(await shortChildren(short, 6)).toEqual(expectedExits(6));

    // The long-running ones were not disturbed, and still report their own end.
    expect(running.map((child) => child.pid !== undefined && isAlive(child.pid))).toEqual([
      true,
      true,
      true,
    ]);
    for (const child of running) child.kill('SIGKILL');
    expect(await Promise.all(runningExits)).toEqual(running.map(() => [null, 'SIGKILL']));
  });
});

describe.each([
  ['with pidfd reaping', { TETHERED_NO_PIDFD: '' }, true],
  ['with reaping by pid (TETHERED_NO_PIDFD=1)', { TETHERED_NO_PIDFD: '1' }, false],
])('interleaved node:child_process and tethered children (%s)', (_name, extraEnv, pidfd) => {
  it('every child emits exit with its own code', async () => {
    const fixture = nodeChildProcess.spawn(process.execPath, [fixturePath('tether/coexist.mjs')], {
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(fixture);
    let out = '';
    fixture.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(fixture, 'close')) as [number | null];
    expect(code).toBe(0);
    const { pidfd: reapsByPidfd, runs } = JSON.parse(out) as {
      pidfd: boolean;
      runs: [string, number, unknown[]][];
    };
    expect(reapsByPidfd).toBe(pidfd);
    expect(runs).toHaveLength(12);
    expect(runs.filter(([origin]) => origin === 'tethered')).toHaveLength(6);
    for (const [, expected, exitArgs] of runs) expect(exitArgs).toEqual([expected, null]);
  });
});
