// The spawn_sync seam's edges: where process.binding is missing, capabilities() says so,
// spawnSync still runs (Node's untethered runner) and requireTether throws
// ERR_TETHER_UNAVAILABLE; using the seam prints no warning in a normal run, and exactly one
// DEP0111 with --pending-deprecation, only once a synchronous function is used.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixtures.js';

const INDEX = new URL('../../lib/index.js', import.meta.url).href;
const PDEATHSIG = fixturePath('pdeathsig.py');

/** Runs an ESM snippet in a fresh Node; returns its stdout (JSON) and stderr. */
function runSnippet(code: string, nodeArgs: string[] = []): { out: unknown; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return { out: JSON.parse(result.stdout) as unknown, stderr: result.stderr };
}

describe('the spawn_sync seam', () => {
  it('without process.binding: capabilities() says why, spawnSync runs untethered, requireTether throws', () => {
    const { out } = runSnippet(`
      delete process.binding;
      const t = await import(${JSON.stringify(INDEX)});
      const caps = t.capabilities();
      const plain = t.execFileSync('python3', [${JSON.stringify(PDEATHSIG)}], { encoding: 'utf8' }).trim();
      let required;
      try { t.spawnSync('true', { requireTether: true }); } catch (e) { required = { code: e.code, message: e.message }; }
      let badSignal;
      try { t.spawnSync('true', { deathSignal: 'SIGNOPE' }); } catch (e) { badSignal = e.code; }
      console.log(JSON.stringify({ sync: caps.sync, reason: caps.syncFallbackReason, deathSignal: caps.deathSignal, plain, required, badSignal }));
    `);
    expect(out).toEqual({
      sync: false,
      reason: 'process.binding is not available on this Node version',
      deathSignal: true,
      plain: '0',
      required: {
        code: 'ERR_TETHER_UNAVAILABLE',
        message:
          'tethered: cannot tether this child: process.binding is not available on this Node version',
      },
      badSignal: 'ERR_UNKNOWN_SIGNAL',
    });
  });

  it('prints no warning in a normal run', () => {
    const { out, stderr } = runSnippet(`
      const t = await import(${JSON.stringify(INDEX)});
      const r = t.spawnSync('python3', [${JSON.stringify(PDEATHSIG)}], { encoding: 'utf8' });
      console.log(JSON.stringify({ sync: t.capabilities().sync, pdeathsig: r.stdout.trim() }));
    `);
    expect(out).toEqual({ sync: true, pdeathsig: '15' });
    expect(stderr).toBe('');
  });

  it('with --pending-deprecation: one DEP0111, and only once a synchronous function is used', () => {
    const { stderr } = runSnippet(
      `
      const t = await import(${JSON.stringify(INDEX)});
      await new Promise((resolve) => t.spawn('true').on('close', resolve));
      console.error('-- async done');
      t.execSync('true');
      t.execFileSync('true');
      console.log('{}');
    `,
      ['--pending-deprecation'],
    );
    const [beforeSync, afterSync = ''] = stderr.split('-- async done');
    expect(beforeSync).not.toContain('DEP0111');
    expect(afterSync.match(/DEP0111/g)).toHaveLength(1);
  });
});
