import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { spawn } from '../lib/index.js';

describe('tethered spawn (smoke)', () => {
  it('runs a command and reports its output and exit code', async () => {
    const child = spawn('sh', ['-c', 'echo out; exit 3']);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code, signal] = (await once(child, 'close')) as [number, string | null];
    expect(out).toBe('out\n');
    expect(code).toBe(3);
    expect(signal).toBeNull();
  });
});
