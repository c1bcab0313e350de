// The synchronous functions tether their child: a parent SIGKILLed while it is blocked in
// execSync leaves no child behind (main thread, Worker, and a library's execSync under
// tethered/register), and the child carries the death signal (PR_GET_PDEATHSIG).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturePath } from './helpers/fixtures.js';
import { python } from './fixtures/tether/harness.js';
import {
  describeProcess,
  isAlive,
  killQuietly,
  parentPid,
  START_BOUND_MS,
  waitFor,
  waitForDeath,
} from './helpers/proc.js';

const PARENT = fileURLToPath(new URL('./fixtures/tether/sync-parent.mjs', import.meta.url));
const REGISTER = fileURLToPath(new URL('../lib/register.js', import.meta.url));
const PDEATHSIG = fixturePath('pdeathsig.py');

type How = 'main' | 'worker' | 'register' | 'node';

// Cleanup by pid, only of what is still ours: a parent that has not been reaped, a sleeper whose
// argv still carries its unique duration (a reaped pid may already belong to another test).
const parents: ChildProcess[] = [];
const sleepers: { pid: number; argv: string[] }[] = [];
afterEach(() => {
  for (const parent of parents.splice(0)) {
    if (parent.exitCode === null && parent.signalCode === null) killQuietly(parent.pid);
  }
  for (const { pid, argv } of sleepers.splice(0)) {
    if (findByArgv(argv) === pid) killQuietly(pid);
  }
});

function startParent(command: string, how: How): ChildProcess & { output: Promise<string> } {
  const execArgv = how === 'register' ? ['--import', REGISTER] : [];
  const child = spawn(process.execPath, [...execArgv, PARENT, command, how], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  parents.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, {
    output: new Promise<string>((resolve) =>
      child.on('close', () => {
        resolve(output);
      }),
    ),
  });
}

/** The pid whose argv is exactly `argv` (a unique sleep duration marks it), or undefined. */
function findByArgv(argv: string[]): number | undefined {
  const wanted = `${argv.join('\0')}\0`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1') === wanted) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

/** Waits for `parent`'s `sleep <duration>` to run and records it for cleanup; fails otherwise. */
async function sleeperOf(parent: ChildProcess, duration: string): Promise<number | undefined> {
  let sleeper: number | undefined;
  const found = await waitFor(
    () => (sleeper = findByArgv(['sleep', duration])) !== undefined,
    START_BOUND_MS,
  );
  expect(found, `no sleeper; parent ${describeProcess(parent.pid ?? 0)}`).toBe(true);
  if (sleeper !== undefined) sleepers.push({ pid: sleeper, argv: ['sleep', duration] });
  return sleeper;
}

describe('a tethered synchronous child dies with its parent', () => {
  it.for([
    ['main', '61.401'],
    ['worker', '61.402'],
    ['register', '61.403'],
  ] as const)(
    'parent SIGKILLed while blocked in execSync (%s): the child is gone',
    async ([how, duration]) => {
      const parent = startParent(`exec sleep ${duration}`, how);
      const sleeper = await sleeperOf(parent, duration);
      if (sleeper === undefined) return;
      expect(parentPid(sleeper)).toBe(parent.pid);
      expect(isAlive(sleeper)).toBe(true);

      parent.kill('SIGKILL');
      await parent.output;
      expect(await waitForDeath(sleeper, 2_000)).toBe(true);
    },
  );

  it('control: an untethered execSync child outlives its SIGKILLed parent', async () => {
    const duration = '61.404';
    const parent = startParent(`exec sleep ${duration}`, 'node');
    const sleeper = await sleeperOf(parent, duration);
    if (sleeper === undefined) return;
    parent.kill('SIGKILL');
    await parent.output;
    expect(await waitForDeath(sleeper, 500)).toBe(false);
  });

  it.for(['main', 'worker', 'register'] as const)(
    'the child of execSync carries SIGTERM as its death signal (%s)',
    async (how) => {
      const parent = startParent(`exec ${python} ${PDEATHSIG}`, how);
      expect((await parent.output).trim()).toBe('15');
      expect(parent.exitCode).toBe(0);
    },
  );
});
