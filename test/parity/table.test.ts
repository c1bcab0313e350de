import { describe, expect, it } from 'vitest';
import { table } from './scenarios/index.js';

describe('the parity scenario table', () => {
  const all = Object.values(table).flat();

  it('holds at least 60 scenarios', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
  });

  it('names every scenario uniquely', () => {
    expect(new Set(all.map((scenario) => scenario.name)).size).toBe(all.length);
  });
});
