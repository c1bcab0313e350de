// Workers under tethered/register: every Worker created after register ran loads it first, so a
// child a Worker spawns through a library dies with the process. Real parents are SIGKILLed and
// the children checked in /proc (by pid, and by a `sleep` duration unique to each run).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, killQuietly, START_BOUND_MS, waitFor, watch } from './helpers/proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/tether/register-workers.mjs', import.meta.url));

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killQuietly(pid);
});

let runs = 0;
/** A `sleep` duration no other test (or other run of this one) uses. */
function uniqueDuration(): string {
  runs += 1;
  return `3${String(process.pid % 1000).padStart(3, '0')}.${String(runs)}7`;
}

/** Pids of live processes whose command line is exactly `sleep <duration>`. */
function sleepers(duration: string): number[] {
  const out: number[] = [];
  for (const pid of started) {
    try {
      const argv = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
      if (argv[0] === 'sleep' && argv[1] === duration && isAlive(pid)) out.push(pid);
    } catch {
      // gone
    }
  }
  return out;
}

/** Starts the fixture parent with `flags`, waits for its 5 Workers' children, SIGKILLs it. */
async function killParentOf(flags: string[], mode: string, duration: string): Promise<number[]> {
  const parent = spawn(process.execPath, [...flags, FIXTURE, duration, mode], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (parent.pid === undefined) throw new Error('no parent');
  started.push(watch(parent.pid));
  let stdout = '';
  let stderr = '';
  parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const report = await new Promise<{ pids: number[] }>((resolve, reject) => {
    parent.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(JSON.parse(stdout) as { pids: number[] });
    });
    parent.on('exit', (code) => {
      reject(new Error(`parent ended (${String(code)}) before reporting:\n${stderr}`));
    });
  });
  started.push(...report.pids.map(watch));
  expect(report.pids).toHaveLength(5);
  // A child's /proc cmdline is laid out by its execve after the spawn returned (the kernel releases
  // the vfork parent first, as after Node's own spawn): a child seconds-old may still show none.
  await waitFor(() => sleepers(duration).length === 5, START_BOUND_MS);
  expect(sleepers(duration)).toHaveLength(5);
  expect(stderr).toBe('');
  const exited = new Promise((resolve) => parent.once('exit', resolve));
  process.kill(parent.pid, 'SIGKILL');
  await exited;
  return report.pids;
}

describe('Workers under tethered/register', () => {
  it('children of every kind of Worker die with a parent run under --import tethered/register', async () => {
    const duration = uniqueDuration();
    await killParentOf(['--import', 'tethered/register'], 'cli', duration);
    await waitFor(() => sleepers(duration).length === 0, 10_000);
    expect(sleepers(duration)).toEqual([]);
  });

  it('children of every kind of Worker die with a parent that imported tethered/register under process-wide options', async () => {
    const duration = uniqueDuration();
    // Options a Worker may not take, with and without `=`: dropped from the Workers' execArgv.
    await killParentOf(
      ['--max-old-space-size=512', '--title', 'tethered-test'],
      'import',
      duration,
    );
    await waitFor(() => sleepers(duration).length === 0, 10_000);
    expect(sleepers(duration)).toEqual([]);
  });

  it('without tethered/register the same children outlive the parent (control)', async () => {
    const duration = uniqueDuration();
    const pids = await killParentOf([], 'none', duration);
    // Give a death signal, if one were coming, time to arrive; then they must all still run.
    expect(await waitFor(() => sleepers(duration).length < 5, 500)).toBe(false);
    expect(sleepers(duration).sort()).toEqual([...pids].sort());
  });
});
