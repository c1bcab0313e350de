// The bench's printed report holds figures and ratios only: no verdicts, goals or issue numbers
// (those are internal; bench/README.md lists the goals). Rendered from the raw results of a
// `--quick` run (test/fixtures/defects/bench-results.json), and from the same results relabelled
// as a full run with 1 and 4 GiB ballast, which prints every summary row.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript module without types
import { render } from '../bench/support/report.mjs';

interface Results {
  config: { quick: boolean };
  byMemory: { ballastMiB: number }[];
}

const quick = JSON.parse(
  readFileSync(new URL('./fixtures/defects/bench-results.json', import.meta.url), 'utf8'),
) as Results;
const full: Results = structuredClone(quick);
full.config.quick = false;
const [base] = structuredClone(quick.byMemory);
full.byMemory = [0, 1024, 4096].map((ballastMiB) => ({ ...structuredClone(base), ballastMiB }));

const renderReport = render as (results: Results) => string;

describe('bench report', () => {
  for (const [name, results] of [
    ['--quick', quick],
    ['full', full],
  ] as const) {
    it(`${name}: figures and ratios, no goals, verdicts or issue numbers`, () => {
      const report = renderReport(results);
      expect(report).not.toMatch(/issue|goal|missed|verdict|\bmet\b/i);
      const summary = report.slice(report.indexOf('\nsummary\n'));
      expect(summary).toMatch(/sequential spawns\/s, tethered vs node \(base RSS\) +\d+\.\dx/);
      expect(summary).toMatch(/live children \(spawnAsync, pipe\): start time vs node/);
    });
  }
});
