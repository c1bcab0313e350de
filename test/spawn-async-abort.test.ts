// spawnAsync with an AbortSignal that is aborted before the child runs rejects with the AbortError
// spawn emits (and never leaves an unhandled 'error' that ends the process).
import { describe, expect, it } from 'vitest';
import { fixturePath, fixtureReport } from './helpers/fixtures.js';

const FIXTURE = fixturePath('defects/spawn-async-abort.mjs');

function runFixture(env: Record<string, string>): Promise<Record<string, unknown>> {
  return fixtureReport([FIXTURE], { env: { ...process.env, ...env }, timeout: 30_000 });
}

describe('spawnAsync with an AbortSignal', () => {
  for (const [mode, env, native] of [
    ['native', { TETHERED_FORCE_FALLBACK: '' }, true],
    ['fallback (TETHERED_FORCE_FALLBACK=1)', { TETHERED_FORCE_FALLBACK: '1' }, false],
  ] as const) {
    it(`rejects with spawn's AbortError, aborted before or during the launch: ${mode}`, async () => {
      const report = await runFixture(env);
      expect(report['native']).toBe(native);
      expect(report['aborted']).toStrictEqual(report['nodeAborted']);
      expect(report['inFlight']).toStrictEqual(report['nodeInFlight']);
      expect(report['aborted']).toMatchObject({
        rejected: { name: 'AbortError', code: 'ABORT_ERR' },
      });
    });
  }
});
