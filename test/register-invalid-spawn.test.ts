// Under tethered/register, ChildProcess.prototype.spawn with invalid arguments throws exactly what
// Node throws: the seam reads nothing from the options before Node validated them.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(
  new URL('./fixtures/defects/register-invalid-spawn.mjs', import.meta.url),
);

it('new ChildProcess().spawn(invalid) throws what Node throws, registered or not', async () => {
  const report = await new Promise<{ before: unknown[]; after: unknown[] }>((resolve, reject) => {
    execFile(
      process.execPath,
      [FIXTURE],
      { cwd: ROOT, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as { before: unknown[]; after: unknown[] });
      },
    );
  });
  expect(report.before).toHaveLength(11);
  for (const entry of report.before) expect(entry).not.toHaveProperty('returned');
  expect(report.after).toStrictEqual(report.before);
});
