// Resource hygiene: counts, not timings. 20,000 spawns of /bin/true from one process (its
// main thread and 4 Workers at once) leave it with exactly the threads it had after its first
// spawn (one spawner thread, which also reaps), the same open fds, and no zombie.
import { expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

interface Report {
  threadsBeforeFirstSpawn: number;
  threadsAfterFirstSpawn: number;
  threadsAfter: number;
  fdsAfterFirstSpawn: string[];
  fdsAfter: string[];
  zombies: string[];
  exits: number;
  failures: number;
}

it('20,000 spawns from the main thread and Workers: same thread count as after the first spawn, no extra fd, no zombie', async ({
  onTestFinished,
}) => {
  const fixture = runFixture(onTestFinished, 'resource-hygiene.mjs', ['20000', '4']);
  const report = await fixture.next<Report>();
  expect(await fixture.ended).toEqual({ code: 0, signal: null });
  expect({ exits: report.exits, failures: report.failures }).toEqual({
    exits: 20_000,
    failures: 0,
  });
  // The first spawn started exactly one thread: the spawner, which is also the reaper.
  expect(report.threadsAfterFirstSpawn).toBe(report.threadsBeforeFirstSpawn + 1);
  expect(report.threadsAfter).toBe(report.threadsAfterFirstSpawn);
  expect(report.fdsAfter).toEqual(report.fdsAfterFirstSpawn);
  expect(report.zombies).toEqual([]);
}, 600_000);
