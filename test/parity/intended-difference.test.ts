// The one intended difference from node:child_process: kill() right after a failed spawn.
// Node 20 calls kill(0, SIGTERM) there, signalling the caller's whole process group; tethered
// returns false and signals nothing. Both sides run in a disposable parent that leads its own
// process group (detached), so Node's behaviour can never reach the test runner.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './define.js';

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  report: unknown;
}

async function runParent(side: 'node' | 'tethered'): Promise<Outcome> {
  const parent = spawn(process.execPath, [join(FIXTURES, 'kill-after-failed-spawn.mjs'), side], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code, signal] = (await once(parent, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, report: stdout === '' ? undefined : JSON.parse(stdout) };
}

describe('kill() right after a failed spawn (the one intended difference)', () => {
  it('returns false and signals nothing in tethered', async () => {
    const ours = await runParent('tethered');
    expect(ours).toEqual({
      code: 0,
      signal: null,
      report: { returned: false, error: 'ENOENT', killed: false },
    });
  });

  it("matches node:child_process wherever Node does not signal the caller's group", async () => {
    const node = await runParent('node');
    const ours = await runParent('tethered');
    if (node.signal === 'SIGTERM') {
      // Node 20: kill(0, SIGTERM) killed the disposable parent. tethered survives instead.
      expect(process.versions.node.split('.')[0]).toBe('20');
      expect(ours.signal).toBeNull();
    } else {
      expect(ours).toEqual(node);
    }
  });
});
