// Kernels without pidfd: kill() is guarded so that a reaped pid is never signalled (it
// may belong to another process by then). With pidfds the kernel guarantees it; without them the
// reaper and kill() share a lock and a reaped child is forgotten before the lock is released.
// Runs in both modes (the suite runs again with TETHERED_NO_PIDFD=1).
import { expect, it } from 'vitest';
import { runFixture } from '../helpers/run-fixture.js';

const ESRCH = 3;

it('kill() signals a running child, and returns -ESRCH without signalling once it is reaped', async ({
  onTestFinished,
}) => {
  const fixture = runFixture(onTestFinished, 'kill-guard.mjs');
  const report = await fixture.next();
  expect(await fixture.ended).toEqual({ code: 0, signal: null });
  expect(report).toEqual({
    whileRunning: 0,
    terminate: 0,
    sleeperExit: [0, 15],
    afterReap: -ESRCH,
    quickExit: [0, 0],
    afterQuickReap: -ESRCH,
    pidfd: expect.any(Boolean) as unknown,
  });
  if (process.env['TETHERED_NO_PIDFD'] === '1') expect(report['pidfd']).toBe(false);
});
