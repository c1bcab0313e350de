// Type test: compiles consumer.ts (a user of the published typings) with tsc.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function runTsc(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [tsc, '-p', 'test/types/tsconfig.json', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('published typings', () => {
  it("resolve 'tethered' to lib/index.d.ts through package.json exports", () => {
    const { output } = runTsc('--listFilesOnly');
    const files = output.split('\n').map((line) => line.trim());
    expect(files).toContain(`${root}lib/index.d.ts`);
    expect(files).toContain(`${root}test/types/consumer.ts`);
  });

  it('match @types/node overloads: pipe gives Readable, ignore gives null, deathSignal is a signal', () => {
    const { status, output } = runTsc();
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
