// One bench subprocess: holds a given amount of filled Buffers, then measures sections 1-4 and 7 for
// every implementation, alternating them run by run. Prints its results as one JSON line.
// Usage: node bench/rates-worker.mjs '{"ballastMiB":1024,"durationMs":2000,"runs":3,...}'
import { guardianRssKiB, IMPLS, SYNC_IMPLS, TREE_IMPL, tetheredFacts } from './support/impls.mjs';
import { concurrent, sequential } from './support/measure.mjs';
import { fillBallast, memorySnapshot } from './support/memory.mjs';
import { medianOfRuns } from './support/stats.mjs';
import { SYNC_CALLS, syncSequential } from './support/sync-measure.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const {
  ballastMiB = 0,
  durationMs = 2000,
  runs = 3,
  sections = [1, 2, 4],
  inFlight = [16, 64],
  turnsInFlight = 16,
  ticker = 'timer',
} = config;

if (!tetheredFacts().cloneVfork) {
  process.stderr.write(`tethered is not running natively: ${tetheredFacts().fallbackReason}\n`);
  process.exit(2);
}

const progress = (text) => process.stderr.write(`  [${ballastMiB} MiB] ${text}\n`);

/** Runs `measure(impl)` `runs` times per implementation, interleaved, and keeps the medians. */
async function interleaved(label, impls, measure) {
  const perImpl = new Map(impls.map((impl) => [impl.key, []]));
  for (let run = 0; run < runs; run++) {
    for (const impl of impls) {
      perImpl.get(impl.key).push(await measure(impl));
    }
  }
  const out = {};
  for (const [key, results] of perImpl) out[key] = { ...medianOfRuns(results), all: results };
  progress(`${label}: ${impls.map((i) => `${i.key} ${fmt(out[i.key])}`).join(', ')}`);
  return out;
}

function fmt(result) {
  const parts = [`${result.rate.toFixed(0)}/s`];
  if (result.turnsPerSec !== undefined) {
    parts.push(
      `${result.turnsPerSec.toFixed(0)} turns/s`,
      `stall ${result.longestStallMs.toFixed(1)} ms`,
    );
  }
  return parts.join(' ');
}

const before = memorySnapshot();
const ballast = fillBallast(ballastMiB * 2 ** 20);
const held = memorySnapshot();
progress(`RSS ${before.rssMiB.toFixed(0)} MiB -> ${held.rssMiB.toFixed(0)} MiB with ballast`);

// Warm up: load the addon, start the spawner thread, let V8 compile the hot paths.
for (const impl of [...IMPLS, TREE_IMPL]) await sequential(impl, 'pipe', Math.min(200, durationMs));

const results = { ballastMiB, rss: { before, held }, tethered: tetheredFacts(), sections: {} };
results.guardianRssKiB = await guardianRssKiB();
if (sections.includes(1) || sections.includes(3)) {
  for (const stdio of ['ignore', 'pipe']) {
    results.sections[`sequential-${stdio}`] = await interleaved(
      `sequential ${stdio}`,
      [...IMPLS, TREE_IMPL],
      (impl) => sequential(impl, stdio, durationMs),
    );
  }
}
if (sections.includes(2)) {
  for (const n of inFlight) {
    results.sections[`inflight-${n}`] = await interleaved(`${n} in flight`, IMPLS, (impl) =>
      concurrent(impl, n, durationMs),
    );
  }
}
if (sections.includes(4)) {
  results.sections.turns = await interleaved(
    `event loop, ${turnsInFlight} in flight`,
    IMPLS,
    (impl) => concurrent(impl, turnsInFlight, durationMs, { tickTurns: true, ticker }),
  );
}
if (sections.includes(7)) {
  for (const impl of SYNC_IMPLS) syncSequential(impl.api, 'execFileSync-true', 50); // warm up
  for (const key of Object.keys(SYNC_CALLS)) {
    results.sections[key] = await interleaved(key, SYNC_IMPLS, (impl) =>
      syncSequential(impl.api, key, durationMs),
    );
  }
}
results.rss.end = memorySnapshot();
results.ballastChunks = ballast.length; // keeps the ballast reachable until here
process.stdout.write(`${JSON.stringify(results)}\n`);
