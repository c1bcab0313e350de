// The synchronous runner leaves nothing behind: every fd it opened is closed and every child it
// started is reaped, on success and on each failure path (ENOENT, bad cwd, timeout, maxBuffer,
// EPIPE), and the async reaper never sees these children.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spawnSync } from '../../lib/index.js';
import { childrenOf } from '../helpers/proc.js';

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('sync runner hygiene', () => {
  it('closes every fd and reaps every child, on success and on every failure path', () => {
    spawnSync('true'); // the spawner thread and its fds exist before counting
    const before = openFds();
    for (let i = 0; i < 10; i++) {
      expect(spawnSync('echo', ['ok']).status).toBe(0);
      expect(spawnSync('tethered-no-such-command-4').error?.message).toMatch(/ENOENT/);
      expect(spawnSync('true', [], { cwd: '/tethered/no/such/dir' }).error).toBeDefined();
      expect(spawnSync('sleep', ['7.38'], { timeout: 20 }).signal).toBe('SIGTERM');
      expect(
        spawnSync('head', ['-c', '1000', '/dev/zero'], { maxBuffer: 10 }).error?.message,
      ).toMatch(/ENOBUFS/);
      expect(spawnSync('true', [], { input: Buffer.alloc(1 << 20) }).error?.message).toMatch(
        /EPIPE/,
      );
      expect(
        spawnSync('cat', [], { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'ignore', 'pipe'] }).status,
      ).toBe(0);
    }
    expect(openFds()).toBe(before);
    expect(childrenOf(process.pid)).toEqual([]);
  });
});
