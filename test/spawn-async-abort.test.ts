// spawnAsync with an AbortSignal that is aborted before the child runs rejects with the AbortError
// spawn emits (and never leaves an unhandled 'error' that ends the process).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/defects/spawn-async-abort.mjs', import.meta.url));

function runFixture(env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [FIXTURE],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
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
