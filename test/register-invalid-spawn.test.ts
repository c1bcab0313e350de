// Under tethered/register, ChildProcess.prototype.spawn with invalid arguments throws exactly what
// Node throws: the seam reads nothing from the options before Node validated them.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fixturePath('defects/register-invalid-spawn.mjs');

it('new ChildProcess().spawn(invalid) throws what Node throws, registered or not', async () => {
  const report = await fixtureReport<{ before: unknown[]; after: unknown[] }>([FIXTURE], {
    cwd: ROOT,
    timeout: 30_000,
  });
  expect(report.before).toHaveLength(11);
  for (const entry of report.before) expect(entry).not.toHaveProperty('returned');
  expect(report.after).toStrictEqual(report.before);
});
