// 300 Workers that each spawn a tethered child and end leave no per-Worker residue: open fds and
// active handles are the same after 100, 200 and 300 Workers, and RSS does not grow steadily. A
// leak grows every hundred Workers alike (80 KiB per Worker is 8 MiB per hundred), so the test
// fails when both the second and the third hundred grow RSS by 8 MiB or more. One hundred alone
// may show a single step (malloc or V8 keeping a new region: once 22.9 MiB in a soak run on Node
// 26 with both cores loaded) that does not repeat. The first hundred includes the warm-up. Every
// Worker's child must be tethered (requireTether).
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/many-workers.mjs');
const LEAK_PER_HUNDRED = 8 * 1024 * 1024;

interface Sample {
  rss: number;
  fds: number;
  handles: number;
}

it('300 Workers that spawn and end: fds, handles and RSS stay flat', async () => {
  const { samples } = await fixtureReport<{ samples: Sample[] }>(['--expose-gc', FIXTURE], {
    timeout: 180_000,
  });
  const [, first, second, third] = samples as [Sample, Sample, Sample, Sample];
  for (const later of [second, third]) {
    expect(later.fds).toBe(first.fds);
    expect(later.handles).toBe(first.handles);
  }
  const growth = [second.rss - first.rss, third.rss - second.rss];
  expect(Math.min(...growth), `RSS growth per hundred Workers: ${growth.join(', ')}`).toBeLessThan(
    LEAK_PER_HUNDRED,
  );
}, 210_000);
