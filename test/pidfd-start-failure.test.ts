// A pidfd_open failure at spawner start-up that says nothing about the kernel (EMFILE: the fd table
// was full) fails that start only; the next spawn starts the spawner with pidfds. Only ENOSYS (and
// the EPERM of a seccomp filter) switch to polling by pid.
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/pidfd-full-fd-table.mjs');

it('a full fd table at the first spawn does not turn pidfds off', async () => {
  const report = await fixtureReport(
    ['-c', 'ulimit -n 256; exec "$0" "$@"', process.execPath, FIXTURE],
    { env: { ...process.env, TETHERED_NO_PIDFD: '' }, timeout: 20_000 },
    'sh',
  );
  expect(report).toStrictEqual({
    first: { error: 'EMFILE' },
    pidfd: true,
    pidfds: 1,
    signal: 'SIGKILL',
  });
});
