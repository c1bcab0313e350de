import { describe, expect, it } from 'vitest';
import { sync } from './scenarios/sync.js';
import { defineSyncParity } from './sync-harness.js';

for (const [group, scenarios] of Object.entries(sync)) {
  defineSyncParity(`parity (sync): ${group}`, scenarios);
}

describe('the sync parity scenario table', () => {
  const all = Object.values(sync).flat();

  it('holds at least 40 scenarios', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
  });

  it('names every scenario uniquely', () => {
    expect(new Set(all.map((scenario) => scenario.name)).size).toBe(all.length);
  });
});
