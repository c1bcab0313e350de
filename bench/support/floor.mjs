// The C floor for section 1: bench/c/spawn-loop.c (posix_spawn = clone(CLONE_VM|CLONE_VFORK)),
// compiled with the system's cc into the OS temp dir. Skipped (undefined) when there is no cc.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

function compile() {
  const source = fileURLToPath(new URL('../c/spawn-loop.c', import.meta.url));
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const binary = join(tmpdir(), `tethered-bench-spawn-loop-${hash}`);
  if (existsSync(binary)) return binary;
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', binary, source], { stdio: 'ignore' });
    return binary;
  } catch {
    return undefined;
  }
}

/** Median over `runs` runs of the C loop: spawns/s and the p50/p99 time inside posix_spawn. */
export function cFloor(durationMs, runs) {
  const binary = compile();
  if (binary === undefined) return undefined;
  const results = [];
  for (let i = 0; i < runs; i++) {
    const [rate, p50, p99] = execFileSync(binary, [String(durationMs)], { encoding: 'utf8' })
      .trim()
      .split(' ')
      .map(Number);
    results.push({ rate, p50, p99 });
  }
  return {
    rate: median(results.map((r) => r.rate)),
    blockP50Us: median(results.map((r) => r.p50)),
    blockP99Us: median(results.map((r) => r.p99)),
  };
}
