// ChildProcess.prototype.spawn with an envPairs that is not an array: Node's process handle lets
// the child inherit the environment; under tethered/register the child must see the same.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/defects/env-pairs.mjs', import.meta.url));

interface Report {
  before: { name: string; out?: string }[];
  after: unknown[];
  spawnsBefore: { tethered: number; node: number };
  spawnsAfter: { tethered: number; node: number; deathSignal: boolean };
}

it('a non-array envPairs: the child inherits the environment, registered or not', async () => {
  const report = await new Promise<Report>((resolve, reject) => {
    execFile(process.execPath, [FIXTURE], { cwd: ROOT }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Report);
    });
  });
  // Node's own behaviour, so that the comparison below means something.
  expect(Object.fromEntries(report.before.map(({ name, out }) => [name, out]))).toStrictEqual({
    absent: 'inherited',
    undefined: 'inherited',
    null: 'inherited',
    'a string': 'inherited',
    'a number': 'inherited',
    'an object': 'inherited',
    'an empty array': 'unset',
    'an array': 'from-array',
  });
  expect(report.after).toStrictEqual(report.before);
  // Each phase spawned its 8 children through the handle it names.
  expect(report.spawnsBefore).toStrictEqual({ tethered: 0, node: 8 });
  expect(report.spawnsAfter).toStrictEqual({ tethered: 8, node: 8, deathSignal: true });
});
