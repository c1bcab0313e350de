// When the addon cannot set up an environment's event delivery (init fails with ENOMEM), spawns
// fail with that errno, requireTether and capabilities() say what failed, and a later spawn tries
// init again.
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/init-failure.mjs');
const REASON = 'the addon could not set up event delivery for this environment (init: ENOMEM)';

it('a failed init is reported with its errno, and retried by the next spawn', async () => {
  // TETHERED_NO_PIDFD cleared: its own fallbackReason would hide a missing one.
  const report = await fixtureReport<unknown>([FIXTURE], {
    env: { ...process.env, TETHERED_TEST_FAIL_INIT: '1', TETHERED_NO_PIDFD: '' },
    timeout: 20_000,
  });
  const enomem = {
    class: 'Error',
    message: 'spawn ENOMEM',
    code: 'ENOMEM',
    errno: -12,
    syscall: 'spawn',
  };
  expect(report).toMatchObject({
    failing: {
      capabilities: { deathSignal: false, fallbackReason: REASON },
      spawn: enomem,
      spawnAsync: enomem,
      requireTether: {
        class: 'Error',
        code: 'ERR_TETHER_UNAVAILABLE',
        message: `tethered: cannot tether this child: ${REASON}`,
      },
    },
    after: { code: 3, deathSignal: true },
  });
  expect(report).not.toHaveProperty('after.fallbackReason');
});
