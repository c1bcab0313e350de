// Tree mode inside other hosts: children of a Worker, a library under the process-wide default,
// and a process where the guardian cannot run (clear fallback, clear error with requireTether).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { killQuietly, START_BOUND_MS, waitFor } from '../helpers/proc.js';
import { liveTree, uniqueMarker } from './tree-procs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST = fileURLToPath(new URL('../fixtures/tree/host.mjs', import.meta.url));
const GUARDIAN_FILE = join(ROOT, 'build/Release/tethered-guardian');

/** Starts host.mjs; resolves with its JSON line and the process. */
async function host(
  args: string[],
  onTestFinished: (fn: () => void) => void,
  options: { env?: NodeJS.ProcessEnv; flags?: string[] } = {},
): Promise<{ report: Record<string, unknown>; kill: () => void }> {
  const child = spawn(process.execPath, [...(options.flags ?? []), HOST, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    killQuietly(child);
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as Record<string, unknown>);
    });
    child.on('close', () => {
      if (!out.includes('\n')) reject(new Error(`host ended: ${err}`));
    });
  });
  return { report, kill: () => child.kill('SIGKILL') };
}

describe.concurrent('tree mode in other hosts', () => {
  it('tree children of a Worker outlive the Worker and die with the process', async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    onTestFinished(() => {
      for (const pid of liveTree(marker)) killQuietly(pid);
    });
    const { kill } = await host(['worker', marker], onTestFinished);
    expect(await waitFor(() => liveTree(marker).length === 3, START_BOUND_MS)).toBe(true);
    kill();
    expect(await waitFor(() => liveTree(marker).length === 0, 4000)).toBe(true);
  });

  it('execa with shell: true under --import tethered/register and TETHERED_DEFAULTS={"tree":true}: no descendant survives', async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    onTestFinished(() => {
      for (const pid of liveTree(marker)) killQuietly(pid);
    });
    const { kill } = await host(['execa', marker], onTestFinished, {
      env: { TETHERED_DEFAULTS: '{"tree":true}' },
      flags: ['--import', 'tethered/register'],
    });
    expect(await waitFor(() => liveTree(marker).length === 3, START_BOUND_MS)).toBe(true);
    kill();
    expect(await waitFor(() => liveTree(marker).length === 0, 4000)).toBe(true);
  });

  it('control: the same execa call without the tree default leaves the grandchildren', async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    onTestFinished(() => {
      for (const pid of liveTree(marker)) killQuietly(pid);
    });
    const { kill } = await host(['execa', marker], onTestFinished, {
      flags: ['--import', 'tethered/register'],
    });
    expect(await waitFor(() => liveTree(marker).length === 3, START_BOUND_MS)).toBe(true);
    kill();
    expect(await waitFor(() => liveTree(marker).length === 2, 4000)).toBe(true);
  });

  it('memfd exec unavailable: the guardian runs from the file beside the addon', async ({
    onTestFinished,
  }) => {
    const { report } = await host(['support'], onTestFinished, {
      env: { TETHERED_TEST_NO_MEMFD: '1' },
    });
    expect(report).toMatchObject({
      tree: true,
      parentComm: 'tethered-guard',
      required: 'spawned',
      warnings: [],
    });
  });

  const unavailable: [string, () => string, RegExp][] = [
    [
      'missing',
      () => '/tethered/no/such/guardian',
      /no\/such\/guardian cannot be executed \(ENOENT\)/,
    ],
    [
      'not executable (as on a noexec mount)',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'tethered-guardian-'));
        const copy = join(dir, 'tethered-guardian');
        copyFileSync(GUARDIAN_FILE, copy);
        chmodSync(copy, 0o644);
        return copy;
      },
      /cannot be executed \(EACCES\)/,
    ],
  ];
  for (const [name, makePath, reason] of unavailable) {
    it(`helper ${name}: capabilities().tree is false with the reason; tree: true runs the command tethered without its tree (one TetheredWarning for all), requireTether throws`, async ({
      onTestFinished,
    }) => {
      const path = makePath();
      onTestFinished(() => {
        if (path.startsWith(tmpdir())) rmSync(join(path, '..'), { recursive: true, force: true });
      });
      const { report } = await host(['support'], onTestFinished, {
        env: { TETHERED_TEST_NO_MEMFD: '1', TETHERED_GUARDIAN_PATH: path },
      });
      expect(report['tree']).toBe(false);
      expect(report['treeReason']).toMatch(reason);
      // Tethered, but directly under this process (Node >= 24 names its main thread MainThread).
      expect(report['parentComm']).toBe(report['ownComm']);
      expect(report['required']).toMatchObject({ code: 'ERR_TETHER_UNAVAILABLE' });
      expect((report['required'] as { message: string }).message).toMatch(
        /tree mode is unavailable/,
      );
      // Three tree spawns without their tree (two async, one sync): one warning.
      expect(report['warnings']).toEqual([{ name: 'TetheredWarning', code: 'TETHERED_NO_TREE' }]);
    });
  }
});

it('the helper file is small and static', () => {
  const size = Number(execFileSync('stat', ['-c', '%s', GUARDIAN_FILE], { encoding: 'utf8' }));
  expect(size).toBeLessThan(100 * 1024);
  expect(execFileSync('file', [GUARDIAN_FILE], { encoding: 'utf8' })).toMatch(/statically linked/);
});
