// Child ids are uint32 on every path (spawner thread -> event -> JS registry -> kill): with the id
// counter started just below 2^31 and just below 2^32 (TETHERED_TEST_FIRST_CHILD_ID), every child
// still reports its exit and can be signalled. Ids are never 0, so the second run also wraps.
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/child-id-wrap.mjs');

const EXPECTED = [
  ...Array.from({ length: 8 }, (_, i) => ({
    via: i % 2 === 0 ? 'spawn' : 'spawnAsync',
    code: i + 1,
    signal: null,
  })),
  { via: 'spawn + kill()', killed: true, code: null, signal: 'SIGTERM' },
  { via: 'spawnAsync + kill()', killed: true, code: null, signal: 'SIGTERM' },
];

for (const first of [0x7ffffffc, 0xfffffffc]) {
  it(`every child reports its exit with ids from 0x${first.toString(16)} on`, async () => {
    const report = await fixtureReport<unknown>([FIXTURE], {
      env: { ...process.env, TETHERED_TEST_FIRST_CHILD_ID: String(first) },
      timeout: 10_000,
    });
    expect(report).toStrictEqual({ native: true, exits: EXPECTED });
  });
}
