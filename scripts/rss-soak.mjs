#!/usr/bin/env node
// RSS soak: spawns /bin/true N times (default 100,000; 16 in flight) and records the process's
// resident set size and V8 heap before and after, with a checkpoint every tenth of the run, so
// that a per-spawn leak (a handle never released, a native allocation never freed) shows as
// steady growth rather than noise.
//
//   node --expose-gc scripts/rss-soak.mjs [--count 100000] [--stdio ignore|pipe]
//                                         [--via tethered|node] [--parallel 16]
//
// --via node runs the same loop through node:child_process, for comparison.
import * as nodeChildProcess from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    stdio: { type: 'string', default: 'ignore' },
    via: { type: 'string', default: 'tethered' },
    parallel: { type: 'string', default: '16' },
  },
});
const count = Number(values.count);
const parallel = Number(values.parallel);
const { spawn } =
  values.via === 'node'
    ? nodeChildProcess
    : await import(new URL('../lib/index.js', import.meta.url).href);

if (typeof globalThis.gc !== 'function') {
  console.error('run with --expose-gc so that the heap is collected before each reading');
  process.exit(2);
}

function reading(spawned) {
  globalThis.gc();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s*(\\d+) kB$`, 'm').exec(status)?.[1]);
  const heap = process.memoryUsage();
  return {
    spawned,
    rssMiB: +(kib('VmRSS') / 1024).toFixed(1),
    heapUsedMiB: +(heap.heapUsed / 2 ** 20).toFixed(1),
    externalMiB: +(heap.external / 2 ** 20).toFixed(1),
    threads: Number(/^Threads:\s*(\d+)$/m.exec(status)?.[1]),
  };
}

let started = 0;
let failures = 0;
async function run(n) {
  const target = started + n;
  async function lane() {
    while (started < target) {
      started++;
      const child = spawn('/bin/true', [], { stdio: values.stdio });
      const [code] = await once(child, 'close');
      if (code !== 0) failures++;
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
}

const warmup = Math.min(1000, count);
await run(warmup);
const rows = [reading(started)];
const step = Math.max(1, Math.floor((count - warmup) / 10));
const t0 = performance.now();
while (started < count) {
  await run(Math.min(step, count - started));
  rows.push(reading(started));
}
const seconds = (performance.now() - t0) / 1000;

for (const row of rows) delete row.fds;
console.log(
  `rss-soak: ${count} spawns of /bin/true via ${values.via}, stdio ${values.stdio}, ` +
    `${parallel} in flight, Node ${process.version}, ${failures} failures, ${seconds.toFixed(1)} s`,
);
console.table(rows);
const first = rows[0];
const last = rows.at(-1);
console.log(
  `RSS after ${first.spawned} spawns (warm-up): ${first.rssMiB} MiB; after ${last.spawned}: ` +
    `${last.rssMiB} MiB; change ${(last.rssMiB - first.rssMiB).toFixed(1)} MiB ` +
    `(${(((last.rssMiB - first.rssMiB) * 2 ** 20) / (last.spawned - first.spawned)).toFixed(1)} bytes/spawn)`,
);
