// The spawner thread stays idle when a reaped child's pidfd is still open in another process (a
// node:child_process fork of this process holds copies of every pidfd until it execs): the pidfd
// leaves the epoll set explicitly, not by being closed. Measured as CPU ticks of the spawner thread
// over one second (a spinning thread uses about 100 of them), not as a timing of anything.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/defects/held-pidfd.mjs', import.meta.url));
const HOLDER = fileURLToPath(new URL('./fixtures/defects/hold-pidfds.py', import.meta.url));

it('a reaped pidfd held open elsewhere does not keep the spawner thread busy', async () => {
  const report = await new Promise<{ pidfd: boolean; held: number; ticks: number }>(
    (resolve, reject) => {
      execFile(
        process.execPath,
        [FIXTURE, HOLDER],
        { env: { ...process.env, TETHERED_NO_PIDFD: '' }, timeout: 20_000 },
        (error, stdout, stderr) => {
          if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
          else resolve(JSON.parse(stdout) as { pidfd: boolean; held: number; ticks: number });
        },
      );
    },
  );
  expect(report.pidfd).toBe(true);
  expect(report.held).toBeGreaterThan(0);
  expect(report.ticks).toBeLessThanOrEqual(5);
});
