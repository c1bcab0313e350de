// Issue 2, test group 2: the seed regression. HyperQueue's tasks got SIGTERM ~10 s in because the
// thread that forked them exited. A child spawned from the main thread, with nothing else spawned
// afterwards (so no later spawn keeps any thread busy), must run past that point to completion.
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { spawn } from '../lib/index.js';
import { killQuietly } from './helpers/proc.js';

it('a child spawned from the main thread runs `sleep 12; echo hello` to completion', async () => {
  const child = spawn('sh', ['-c', 'sleep 12; echo hello']);
  try {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
    expect({ out, code, signal }).toEqual({ out: 'hello\n', code: 0, signal: null });
  } finally {
    killQuietly(child.pid);
  }
}, 30_000);
