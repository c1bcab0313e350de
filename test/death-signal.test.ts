// The death signal a tethered child starts with (PR_GET_PDEATHSIG, read by the child itself), for
// each way of asking for one; a node:child_process child has none. The rest of the child's initial
// state (signal mask and dispositions, stdio) is compared with Node's in parity/child-state.
import * as nodeChildProcess from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturePath } from './helpers/fixtures.js';
import { spawn as tetheredSpawn } from '../lib/index.js';
import { python } from './fixtures/tether/harness.js';
import { killQuietly } from './helpers/proc.js';

const pdeathsigFixture = fixturePath('pdeathsig.py');

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    killQuietly(child);
  }
});

/** The PR_GET_PDEATHSIG value the fixture child prints. */
async function deathSignalOf(child: ChildProcess): Promise<number> {
  started.push(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  expect(code).toBe(0);
  return Number(out.trim());
}

describe("a tethered child's death signal", () => {
  it.each([
    { when: 'by default', options: {}, expected: 15 },
    { when: "with deathSignal 'SIGKILL'", options: { deathSignal: 'SIGKILL' }, expected: 9 },
    { when: 'with deathSignal 9', options: { deathSignal: 9 }, expected: 9 },
    { when: "with deathSignal 'SIGUSR1'", options: { deathSignal: 'SIGUSR1' }, expected: 10 },
    { when: 'with deathSignal null', options: { deathSignal: null }, expected: 0 },
    { when: 'with detached: true', options: { detached: true }, expected: 0 },
    {
      when: "with detached: true and deathSignal 'SIGHUP'",
      options: { detached: true, deathSignal: 'SIGHUP' },
      expected: 1,
    },
  ] as const)('PR_GET_PDEATHSIG $when is $expected', async ({ options, expected }) => {
    const child = tetheredSpawn(python, [pdeathsigFixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
      ...options,
    });
    expect(await deathSignalOf(child)).toBe(expected);
  });

  it('PR_GET_PDEATHSIG of a node:child_process child is 0', async () => {
    const child = nodeChildProcess.spawn(python, [pdeathsigFixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    expect(await deathSignalOf(child)).toBe(0);
  });
});
