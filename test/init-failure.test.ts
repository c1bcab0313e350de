// When the addon cannot set up an environment's event delivery (init fails with ENOMEM), spawns
// fail with that errno, requireTether and capabilities() say what failed, and a later spawn tries
// init again.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/defects/init-failure.mjs', import.meta.url));
const REASON = 'the addon could not set up event delivery for this environment (init: ENOMEM)';

it('a failed init is reported with its errno, and retried by the next spawn', async () => {
  const report = await new Promise<unknown>((resolve, reject) => {
    execFile(
      process.execPath,
      [FIXTURE],
      // TETHERED_NO_PIDFD cleared: its own fallbackReason would hide a missing one.
      {
        env: { ...process.env, TETHERED_TEST_FAIL_INIT: '1', TETHERED_NO_PIDFD: '' },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
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
