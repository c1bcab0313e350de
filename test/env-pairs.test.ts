// ChildProcess.prototype.spawn with an envPairs that is not an array: Node's process handle lets
// the child inherit the environment; under tethered/register the child must see the same.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = fixturePath('defects/env-pairs.mjs');

interface Report {
  before: { name: string; out?: string }[];
  after: unknown[];
  spawnsBefore: { tethered: number; node: number };
  spawnsAfter: { tethered: number; node: number; deathSignal: boolean };
}

it('a non-array envPairs: the child inherits the environment, registered or not', async () => {
  const report = await fixtureReport<Report>([FIXTURE], { cwd: ROOT });
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
