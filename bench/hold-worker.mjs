// Section 6: start N long-lived children (`sleep 30`), measure the time until every one is
// running and what holding them costs the parent (RSS, V8 heap, fds), then kill them all by pid.
// Usage: node --expose-gc bench/hold-worker.mjs '{"children":1000,"runs":3}'
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { IMPLS, tetheredFacts, track } from './support/impls.mjs';
import { memorySnapshot } from './support/memory.mjs';
import { sampleOthers } from './support/machine.mjs';
import { medianOfRuns } from './support/stats.mjs';

const {
  children = 1000,
  runs = 3,
  stdios = ['ignore', 'pipe'],
} = JSON.parse(process.argv[2] ?? '{}');
const gc = globalThis.gc ?? (() => {});
const nowMs = () => performance.now();

if (!tetheredFacts().cloneVfork) {
  process.stderr.write(`tethered is not running natively: ${tetheredFacts().fallbackReason}\n`);
  process.exit(2);
}

/** True while `pid` exists and is not a zombie. */
function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function spawned(child) {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
}

async function holdOnce(impl, stdio) {
  gc();
  const base = memorySnapshot();
  const others = sampleOthers();
  const t0 = nowMs();
  const started = [];
  const running = [];
  for (let i = 0; i < children; i++) {
    const result = impl.start('sleep', ['30'], { stdio });
    if (impl.async) {
      running.push(result.then(track));
    } else {
      started.push(track(result));
      running.push(spawned(result).then(() => result));
    }
  }
  const live = await Promise.all(running);
  const startSec = (nowMs() - t0) / 1000;
  gc();
  const holding = memorySnapshot();
  const result = {
    startSec,
    rssMiB: holding.rssMiB - base.rssMiB,
    heapMiB: holding.heapUsedMiB - base.heapUsedMiB,
    fds: holding.fds - base.fds,
    fdsPerChild: (holding.fds - base.fds) / children,
    others: others.end(),
  };
  const closes = live.map((child) => new Promise((resolve) => child.once('close', resolve)));
  for (const child of live) process.kill(child.pid, 'SIGKILL');
  await Promise.all(closes);
  result.leftAlive = live.filter((child) => isAlive(child.pid)).length;
  return result;
}

const results = {};
for (const stdio of stdios) {
  const perImpl = new Map(IMPLS.map((impl) => [impl.key, []]));
  for (let run = 0; run < runs; run++) {
    for (const impl of IMPLS) perImpl.get(impl.key).push(await holdOnce(impl, stdio));
  }
  results[stdio] = {};
  for (const [key, list] of perImpl) {
    results[stdio][key] = {
      ...medianOfRuns(list),
      leftAlive: Math.max(...list.map((r) => r.leftAlive)),
      all: list,
    };
    const r = results[stdio][key];
    process.stderr.write(
      `  [hold ${children}, ${stdio}] ${key}: ${r.startSec.toFixed(2)} s, RSS +${r.rssMiB.toFixed(1)} MiB, ` +
        `heap +${r.heapMiB.toFixed(1)} MiB, fds +${r.fds}\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify({ children, results })}\n`);
