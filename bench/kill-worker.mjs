// Section 9: the JS-thread time of one kill() on a child whose tree holds 10 processes (sh and
// nine sleeps): node:child_process's kill(), tethered's without killDescendants, with
// killDescendants: true on a default child (the pidfd-verified /proc walk runs on the JS thread),
// and on a tree child (killDescendants by default: one message to the guardian). Rounds
// interleave the four. Usage: node bench/kill-worker.mjs '{"kills":30}'
import { spawn as nodeSpawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawn } from '../lib/index.js';
import { tetheredFacts } from './support/impls.mjs';
import { percentile } from './support/stats.mjs';

const { kills = 30 } = JSON.parse(process.argv[2] ?? '{}');
const SLEEPS = 9;
const SCRIPT = `for i in $(seq ${SLEEPS}); do sleep 1000 & done; wait`;

if (!tetheredFacts().cloneVfork) {
  process.stderr.write(`tethered is not running natively: ${tetheredFacts().fallbackReason}\n`);
  process.exit(2);
}

const IMPLS = {
  node: () => nodeSpawn('sh', ['-c', SCRIPT], { stdio: 'ignore' }),
  tethered: () => spawn('sh', ['-c', SCRIPT], { stdio: 'ignore' }),
  descendants: () => spawn('sh', ['-c', SCRIPT], { stdio: 'ignore', killDescendants: true }),
  tree: () => spawn('sh', ['-c', SCRIPT], { stdio: 'ignore', tree: true }),
};

/** The children the kernel lists for `pid` (its main thread's). */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** One sample: spawn, wait for the whole tree, time kill(), then end whatever it left. */
async function sample(start) {
  const child = start();
  await new Promise((resolve) => child.once('spawn', resolve));
  let sleeps = childrenOf(child.pid);
  while (sleeps.length < SLEEPS) {
    await pause();
    sleeps = childrenOf(child.pid);
  }
  const closed = new Promise((resolve) => child.once('close', resolve));
  const before = process.hrtime.bigint();
  child.kill();
  const us = Number(process.hrtime.bigint() - before) / 1000;
  await closed;
  let left = 0;
  for (let waited = 0; waited < 200 && sleeps.some(isAlive); waited++) await pause();
  for (const pid of sleeps.filter(isAlive)) {
    left++;
    process.kill(pid, 'SIGKILL');
  }
  return { us, left };
}

const samples = Object.fromEntries(Object.keys(IMPLS).map((name) => [name, []]));
const left = Object.fromEntries(Object.keys(IMPLS).map((name) => [name, 0]));
for (let round = 0; round < kills; round++) {
  for (const [name, start] of Object.entries(IMPLS)) {
    const { us, left: l } = await sample(start);
    samples[name].push(us);
    left[name] += l;
  }
}
const results = Object.fromEntries(
  Object.entries(samples).map(([name, values]) => [
    name,
    {
      p50Us: percentile(values, 50),
      p99Us: percentile(values, 99),
      kills: values.length,
      sleepsLeft: left[name],
    },
  ]),
);
process.stdout.write(`${JSON.stringify({ processes: SLEEPS + 1, results })}\n`);
