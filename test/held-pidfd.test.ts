// The spawner thread stays idle when a reaped child's pidfd is still open in another process (a
// node:child_process fork of this process holds copies of every pidfd until it execs): the pidfd
// leaves the epoll set explicitly, not by being closed. Measured as CPU ticks of the spawner thread
// over one second (a spinning thread uses about 100 of them), not as a timing of anything.
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/held-pidfd.mjs');
const HOLDER = fixturePath('defects/hold-pidfds.py');

it('a reaped pidfd held open elsewhere does not keep the spawner thread busy', async () => {
  const report = await fixtureReport<{ pidfd: boolean; held: number; ticks: number }>(
    [FIXTURE, HOLDER],
    { env: { ...process.env, TETHERED_NO_PIDFD: '' }, timeout: 20_000 },
  );
  expect(report.pidfd).toBe(true);
  expect(report.held).toBeGreaterThan(0);
  expect(report.ticks).toBeLessThanOrEqual(5);
});
