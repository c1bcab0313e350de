import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineParity } from './define.js';
import type { Scenario } from './harness.js';
import { table } from './scenarios/index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The groups each parity test file hands to defineParity (`table.<group>`). */
const definedGroups = readdirSync(HERE)
  .filter((file) => file.endsWith('.test.ts'))
  .flatMap((file) =>
    [...readFileSync(HERE + file, 'utf8').matchAll(/defineParity\([^,]+, table\.(\w+)\)/g)].map(
      (match) => match[1],
    ),
  );

describe('the parity scenario table', () => {
  const all = Object.values(table).flat();

  it('holds at least 60 scenarios', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
  });

  it('has no empty group, and a test file defines each group exactly once', () => {
    for (const [group, scenarios] of Object.entries(table)) {
      expect(scenarios.length, group).toBeGreaterThan(0);
    }
    expect(definedGroups.sort()).toEqual(Object.keys(table).sort());
  });

  it('defineParity refuses a missing or empty group', () => {
    const missing = (table as Partial<Record<string, readonly Scenario[]>>)['no-such-group'];
    expect(() => {
      defineParity('parity: no-such-group', missing);
    }).toThrow(/parity: no-such-group: no scenarios/);
    expect(() => {
      defineParity('parity: empty', []);
    }).toThrow(/parity: empty: no scenarios/);
  });

  it('names every scenario uniquely', () => {
    expect(new Set(all.map((scenario) => scenario.name)).size).toBe(all.length);
  });
});
