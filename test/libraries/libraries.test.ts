// execa, tinyexec, nano-spawn and cross-spawn, used as their users use them, return the same
// results under tethered/register as without it, and the children they start are tethered.
// Each run is a fresh Node process (fixtures/everyday.mjs); registration is process-wide.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EVERYDAY = fileURLToPath(new URL('./fixtures/everyday.mjs', import.meta.url));

interface Report {
  results: Record<string, unknown>;
  deathSignals: Record<string, string>;
}

function runEveryday(library: string, registered: boolean): Promise<Report> {
  const flags = registered ? ['--import', 'tethered/register'] : [];
  return fixtureReport<Report>([...flags, EVERYDAY, library], { cwd: ROOT });
}

/** The death signal each child should report: SIGTERM (15) when tethered, sync APIs included. */
function expected(report: Report, tethered: boolean): Record<string, string> {
  return Object.fromEntries(
    Object.keys(report.deathSignals).map((key) => [key, tethered ? '15' : '0']),
  );
}

describe.each(['execa', 'tinyexec', 'nano-spawn', 'cross-spawn'])('%s', (library) => {
  it('gives the same results under tethered/register, and its children are tethered', async () => {
    const plain = await runEveryday(library, false);
    const registered = await runEveryday(library, true);
    expect(registered.results).toEqual(plain.results);
    expect(plain.deathSignals).toEqual(expected(plain, false));
    expect(registered.deathSignals).toEqual(expected(registered, true));
  });
});
