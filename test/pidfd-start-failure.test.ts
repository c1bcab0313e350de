// A pidfd_open failure at spawner start-up that says nothing about the kernel (EMFILE: the fd table
// was full) fails that start only; the next spawn starts the spawner with pidfds. Only ENOSYS (and
// the EPERM of a seccomp filter) switch to polling by pid.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const FIXTURE = fileURLToPath(
  new URL('./fixtures/defects/pidfd-full-fd-table.mjs', import.meta.url),
);

it('a full fd table at the first spawn does not turn pidfds off', async () => {
  const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
    execFile(
      'sh',
      ['-c', 'ulimit -n 256; exec "$0" "$@"', process.execPath, FIXTURE],
      { env: { ...process.env, TETHERED_NO_PIDFD: '' }, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
  expect(report).toStrictEqual({
    first: { error: 'EMFILE' },
    pidfd: true,
    pidfds: 1,
    signal: 'SIGKILL',
  });
});
