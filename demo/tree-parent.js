// The demo's second victim: a Node process that starts the same `sh -c` tree three ways
// (node:child_process, tethered, tethered with tree: true), waits until each shell has started its
// two `sleep`s, prints {node, tethered, tree} (each [shell, sleep, sleep]) and waits to be killed.
import * as childProcess from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawn } from '../lib/index.js';

const SCRIPT = 'sleep 60 & sleep 60 & wait'; // a safety net: everything ends within a minute

/** @param {number} pid @returns {number[]} */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const options = /** @type {const} */ ({ stdio: 'ignore' });
const shells = {
  node: childProcess.spawn('sh', ['-c', SCRIPT], options).pid,
  tethered: spawn('sh', ['-c', SCRIPT], options).pid,
  tree: spawn('sh', ['-c', SCRIPT], { ...options, tree: true }).pid,
};
const deadline = Date.now() + 5000;
/** @type {Record<string, number[]>} */
const report = {};
while (Date.now() < deadline) {
  for (const [key, shell] of Object.entries(shells)) {
    report[key] = [/** @type {number} */ (shell), ...childrenOf(/** @type {number} */ (shell))];
  }
  if (Object.values(report).every((pids) => pids.length === 3)) break;
  await new Promise((resolve) => setTimeout(resolve, 10));
}
process.stdout.write(`${JSON.stringify(report)}\n`);
setInterval(() => undefined, 1 << 30);
