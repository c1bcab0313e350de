// A tethered child dies with the process that spawned it, however that
// process dies, unless the tether is off (deathSignal: null, or detached: true by default).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  killAll,
  reportedSignal,
  reporterChild,
  sleepChild,
  startParent,
  tempDir,
  type ChildSpec,
  type FixtureParent,
} from './fixtures/tether/harness.js';
import { isAlive, parentPid, waitForDeath } from './helpers/proc.js';

/** The bound: once the parent is dead, its tethered children are gone within 1 s. */
const DEATH_DEADLINE_MS = 1000;

const started: number[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  killAll(started);
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function markerFile(name: string): string {
  const temp = tempDir();
  cleanups.push(temp.remove);
  return join(temp.dir, name);
}

/** Starts parent.mjs with `children`, checks they run under it, and returns it. */
async function parentWith(children: ChildSpec[], then: 'wait' | 'exit' | 'throw') {
  const parent = await startParent('parent.mjs', { children, then }, started);
  expect(parent.report.pids).toHaveLength(children.length);
  return parent;
}

function expectRunningUnder(parent: FixtureParent): void {
  for (const pid of parent.report.pids) {
    expect(isAlive(pid)).toBe(true);
    expect(parentPid(pid)).toBe(parent.pid);
  }
}

describe('a tethered child dies with its parent', () => {
  it('parent SIGKILLed: its children are gone within 1 s, killed by SIGTERM', async () => {
    const marker = markerFile('signal');
    const parent = await parentWith([reporterChild(marker), sleepChild()], 'wait');
    const [reporter, sleeper] = parent.report.pids as [number, number];
    expectRunningUnder(parent);

    process.kill(parent.pid, 'SIGKILL');
    expect(await parent.ended).toEqual({ code: null, signal: 'SIGKILL' });

    expect(await waitForDeath(sleeper, DEATH_DEADLINE_MS)).toBe(true);
    expect(await waitForDeath(reporter, DEATH_DEADLINE_MS)).toBe(true);
    expect(reportedSignal(marker)).toBe('SIGTERM');
  });

  it('parent calls process.exit(0): its children are gone within 1 s, killed by SIGTERM', async () => {
    const marker = markerFile('signal');
    const parent = await parentWith([reporterChild(marker), sleepChild()], 'exit');
    const [reporter, sleeper] = parent.report.pids as [number, number];

    expect(await parent.ended).toEqual({ code: 0, signal: null });

    expect(await waitForDeath(sleeper, DEATH_DEADLINE_MS)).toBe(true);
    expect(await waitForDeath(reporter, DEATH_DEADLINE_MS)).toBe(true);
    expect(reportedSignal(marker)).toBe('SIGTERM');
  });

  it('parent dies of an uncaught exception: its children are gone within 1 s, killed by SIGTERM', async () => {
    const marker = markerFile('signal');
    const parent = await parentWith([reporterChild(marker), sleepChild()], 'throw');
    const [reporter, sleeper] = parent.report.pids as [number, number];

    expect(await parent.ended).toEqual({ code: 1, signal: null });
    expect(parent.stderr()).toContain('deliberate uncaught exception');

    expect(await waitForDeath(sleeper, DEATH_DEADLINE_MS)).toBe(true);
    expect(await waitForDeath(reporter, DEATH_DEADLINE_MS)).toBe(true);
    expect(reportedSignal(marker)).toBe('SIGTERM');
  });

  it.each([['SIGKILL'], [9]])(
    'deathSignal %j: the children are killed by SIGKILL, not SIGTERM, when the parent dies',
    async (deathSignal) => {
      const marker = markerFile('signal');
      const parent = await parentWith(
        [reporterChild(marker, { deathSignal }), sleepChild({ deathSignal })],
        'wait',
      );
      const [reporter, sleeper] = parent.report.pids as [number, number];
      expectRunningUnder(parent);

      process.kill(parent.pid, 'SIGKILL');
      await parent.ended;

      expect(await waitForDeath(sleeper, DEATH_DEADLINE_MS)).toBe(true);
      expect(await waitForDeath(reporter, DEATH_DEADLINE_MS)).toBe(true);
      // The reporter records every catchable signal; SIGKILL cannot be caught.
      expect(reportedSignal(marker)).toBeUndefined();
    },
  );

  // A survivor is judged once a tethered sibling from the same parent has died: the kernel
  // signals all of a dead parent's children in the same exit path.
  it.each([
    ['deathSignal: null', { deathSignal: null }],
    ['detached: true (no deathSignal given)', { detached: true }],
  ])('%s: the child survives its parent', async (_name, options) => {
    const marker = markerFile('signal');
    const parent = await parentWith([sleepChild(), reporterChild(marker, options)], 'wait');
    const [tethered, survivor] = parent.report.pids as [number, number];
    expectRunningUnder(parent);

    process.kill(parent.pid, 'SIGKILL');
    await parent.ended;

    expect(await waitForDeath(tethered, DEATH_DEADLINE_MS)).toBe(true);
    expect(isAlive(survivor)).toBe(true);
    expect(parentPid(survivor)).not.toBe(parent.pid);
    expect(reportedSignal(marker)).toBeUndefined();
  });

  it('detached: true with an explicit deathSignal is tethered', async () => {
    const marker = markerFile('signal');
    const parent = await parentWith(
      [reporterChild(marker, { detached: true, deathSignal: 'SIGTERM' })],
      'wait',
    );
    const [reporter] = parent.report.pids as [number];
    expectRunningUnder(parent);

    process.kill(parent.pid, 'SIGKILL');
    await parent.ended;

    expect(await waitForDeath(reporter, DEATH_DEADLINE_MS)).toBe(true);
    expect(reportedSignal(marker)).toBe('SIGTERM');
  });
});
