// 1,000 parent-SIGKILL trials for tree mode (the test suite runs 200): prints the survivors.
// Usage: node scripts/tree-trials.mjs [trials] [parallel]
import { runTrials } from '../test/fixtures/tree/trials.mjs';

const trials = Number(process.argv[2] ?? 1000);
const parallel = Number(process.argv[3] ?? 16);
const marker = `${5000 + Math.floor(Math.random() * 1000)}.${process.pid}`;
const started = Date.now();
const survivors = await runTrials({ trials, parallel, marker });
console.log(
  `tree mode: ${trials} parents SIGKILLed right after spawn(), ${survivors.length} survivors ` +
    `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
for (const pid of survivors) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}
process.exit(survivors.length === 0 ? 0 : 1);
