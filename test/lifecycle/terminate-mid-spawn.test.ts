// 50 rounds of create Worker -> spawn -> terminate mid-spawn. Pending requests of the
// dying environment are answered or dropped: the process does not crash, no fd leaks, no thread
// is left behind and every child is reaped.
import { expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

interface Report {
  rounds: number;
  spawned: number;
  fdsBefore: string[];
  fdsAfter: string[];
  threadsBefore: number;
  threadsAfter: number;
  children: { pid: number; state: string }[];
}

// 50 Worker start-ups: about 47 s in CI, more than 60 s with both cores loaded by other processes.
it('50 Workers terminated while spawning: no crash, no leaked fd or thread, every child reaped', async ({
  onTestFinished,
}) => {
  const fixture = runFixture(onTestFinished, 'terminate-mid-spawn.mjs', ['50']);
  const report = await fixture.next<Report>();
  expect(await fixture.ended).toEqual({ code: 0, signal: null });
  expect(fixture.stderr()).toBe('');
  expect(report.rounds).toBe(50);
  // Each Worker was spawning when terminated: at least its first sync and async spawn ran.
  expect(report.spawned).toBeGreaterThanOrEqual(2 * 51);
  expect(report.fdsAfter).toEqual(report.fdsBefore);
  expect(report.threadsAfter).toBe(report.threadsBefore);
  expect(report.children).toEqual([]);
}, 180_000);
