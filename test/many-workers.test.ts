// 200 Workers that each spawn a tethered child and end leave no per-Worker residue: open fds and
// active handles are the same after 100 and after 200 Workers, and RSS grows in the second
// hundred by less than 8 MiB (a leak of 80 KiB per Worker would exceed it; the first hundred
// include the warm-up). Every Worker's child must be tethered (requireTether).
import { expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/many-workers.mjs');

interface Sample {
  rss: number;
  fds: number;
  handles: number;
}

it('200 Workers that spawn and end: fds, handles and RSS stay flat', async () => {
  const { samples } = await fixtureReport<{ samples: Sample[] }>(['--expose-gc', FIXTURE], {
    timeout: 120_000,
  });
  const [, half, end] = samples as [Sample, Sample, Sample];
  expect(end.fds).toBe(half.fds);
  expect(end.handles).toBe(half.handles);
  expect(end.rss - half.rss).toBeLessThan(8 * 1024 * 1024);
}, 150_000);
