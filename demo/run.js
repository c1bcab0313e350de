// `npm run demo`: a Node parent spawns `sleep` children with node:child_process and with tethered,
// from its main thread and from a Worker that then exits; then the parent is killed with SIGKILL.
// Shows, from /proc, which children were left running as orphans and which were terminated, then
// kills every orphan it made.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isRunning, stat, waitUntil } from './proc.js';
import { bold, cyan, dim, green, inverseGreen, inverseRed, red, yellow } from './style.js';

if (!existsSync(new URL('../lib/index.js', import.meta.url))) {
  console.error('The library is not built yet: run `npm install` first, then `npm run demo`.');
  process.exit(1);
}
const { capabilities, spawn } = await import('../lib/index.js');

const LABEL = 24;
const COLUMN = 38;
const ROWS = /** @type {const} */ ([
  ['main', 'from the main thread'],
  ['worker', 'from a Worker (exited)'],
]);

/** @typedef {{ node: number, tethered: number }} Pair */
/** @typedef {{ main: Pair, worker: Pair }} Pids */

/** Every pid the demo made, so that none outlives it whatever happens. */
/** @type {Set<number>} */
const made = new Set();
process.stdout.on('error', () => undefined); // e.g. EPIPE from `npm run demo | head`
process.on('exit', () => {
  for (const pid of made) killIfSleep(pid);
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => process.exit(130));
}

/** @param {number} pid */
function killIfSleep(pid) {
  if (stat(pid)?.comm !== 'sleep' || !isRunning(pid)) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** @param {string} text @param {number} width */
function pad(text, width) {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** @param {string} label @param {[string, (s: string) => string][]} cells */
function row(label, cells) {
  const rendered = cells.map(([text, paint], i) =>
    paint(i === cells.length - 1 ? text : pad(text, COLUMN)),
  );
  return `  ${dim(pad(label, LABEL))}${rendered.join('')}`;
}

function header() {
  return row('', [
    ['node:child_process', (s) => bold(yellow(s))],
    ['tethered', (s) => bold(cyan(s))],
  ]);
}

/** @param {number} pid @param {number} parentPid */
function describe(pid, parentPid) {
  const s = stat(pid);
  if (s === undefined || s.state === 'Z' || s.state === 'X') {
    return /** @type {[string, (s: string) => string]} */ ([`✔ terminated   (pid ${pid})`, green]);
  }
  if (s.ppid === parentPid) {
    return /** @type {[string, (s: string) => string]} */ ([
      `● running      (pid ${pid})`,
      (x) => x,
    ]);
  }
  return /** @type {[string, (s: string) => string]} */ ([
    `✘ ORPHAN, alive (pid ${pid}, ppid ${s.ppid})`,
    red,
  ]);
}

/** @param {Pids} pids @param {number} parentPid */
function table(pids, parentPid) {
  const lines = [header()];
  for (const [key, label] of ROWS) {
    lines.push(
      row(label, [describe(pids[key].node, parentPid), describe(pids[key].tethered, parentPid)]),
    );
  }
  return lines.join('\n');
}

/** @param {string} text */
function say(text = '') {
  console.log(text);
}

/** @param {string} text */
function note(text) {
  return text
    .split('\n')
    .map((part) => `     ${dim(part)}`)
    .join('\n');
}

/** Starts the demo parent and reads the pids of the children it spawned. */
async function startParent() {
  // The parent is itself tethered to this demo: if the demo is interrupted, the parent dies too.
  const parent = spawn(process.execPath, [new URL('parent.js', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = /** @type {number} */ (parent.pid);
  made.add(pid);
  /** @type {unknown} */
  let report;
  // The first line is the report; if the parent dies first, its stdout ends and the loop with it.
  for await (const line of createInterface({ input: parent.stdout })) {
    report = JSON.parse(line);
    break;
  }
  if (report === undefined) throw new Error('the demo parent exited before reporting its children');
  const pids = /** @type {Pids} */ (report);
  for (const [key] of ROWS) {
    made.add(pids[key].node);
    made.add(pids[key].tethered);
  }
  return { parent, pid, pids };
}

const started = Date.now();
const tethering = capabilities().deathSignal;
const reason = (capabilities().fallbackReason ?? 'unknown reason').split('\n')[0] ?? '';

say(
  `\n${bold('tethered demo')}  ${dim('what happens to children when their Node parent is SIGKILLed')}\n`,
);
if (!tethering) {
  say(yellow(`  tethered cannot tether children here: ${reason}.`));
  say(yellow('  It falls back to node:child_process, so both columns will show orphans.\n'));
}

const { parent, pid: parentPid, pids } = await startParent();
say(
  `  ${bold('1.')} Parent ${bold(`pid ${parentPid}`)} spawned ${bold('`sleep 60`')} four times; then its Worker exited.\n`,
);
say(table(pids, parentPid));
if (tethering && isRunning(pids.worker.tethered)) {
  say(
    `\n${note('The Worker thread is gone, yet its tethered child still runs: tethered forks every child\nfrom one process-wide spawner thread that never exits.')}`,
  );
}

say(
  `\n  ${bold('2.')} ${inverseRed(` kill -9 ${parentPid} `)}  ${dim('no exit handler, no cleanup code can run')}\n`,
);
const killedAt = Date.now();
process.kill(parentPid, 'SIGKILL');
await once(parent, 'exit');
// Watch for at least a second, so that "still running" means something; tethered children are
// usually gone within milliseconds.
const tetheredPids = ROWS.map(([key]) => pids[key].tethered);
await waitUntil(
  () => tetheredPids.every((pid) => !isRunning(pid)) && Date.now() - killedAt >= 1000,
  3000,
);
const elapsed = ((Date.now() - killedAt) / 1000).toFixed(1);
say(`  ${bold('3.')} ${elapsed} s later, read from /proc:\n`);
say(table(pids, parentPid));

const orphans = [...made].filter((pid) => pid !== parentPid && isRunning(pid));
const nodeOrphans = ROWS.map(([key]) => pids[key].node).filter((pid) => orphans.includes(pid));
const tetheredOrphans = tetheredPids.filter((pid) => orphans.includes(pid));
say(
  `\n${note(
    tethering
      ? 'node:child_process children were re-parented and run on, for as long as `sleep` wants.\ntethered children got SIGTERM from the kernel (PR_SET_PDEATHSIG) as the parent died.'
      : 'Without the tether every child was re-parented and runs on.',
  )}`,
);

const plural = orphans.length === 1 ? '' : 's';
say(
  `\n  ${bold('4.')} Cleaning up: ${orphans.length === 0 ? 'no orphans.' : `SIGKILL to orphan${plural} ${orphans.join(', ')}`}`,
);
for (const pid of orphans) killIfSleep(pid);
const clean = await waitUntil(() => [...made].every((pid) => !isRunning(pid)), 5000);
say(
  clean
    ? `     ${green('✔')} nothing the demo started is still running.`
    : `     ${red('✘')} still running: ${[...made].filter(isRunning).join(', ')}`,
);

// Part two: grandchildren. The same `sh -c 'sleep & sleep & wait'` tree three ways.
const treeMode = capabilities().tree;
const treeParent = spawn(process.execPath, [new URL('tree-parent.js', import.meta.url).pathname], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const treeParentPid = /** @type {number} */ (treeParent.pid);
made.add(treeParentPid);
/** @type {unknown} */
let treeReport;
for await (const line of createInterface({ input: treeParent.stdout })) {
  treeReport = JSON.parse(line);
  break;
}
if (treeReport === undefined) throw new Error('the tree demo parent exited before reporting');
const trees = /** @type {Record<'node' | 'tethered' | 'tree', number[]>} */ (treeReport);
const TREE_COLUMNS = /** @type {const} */ (['node', 'tethered', 'tree']);
for (const key of TREE_COLUMNS) for (const pid of trees[key]) made.add(pid);
say(
  `\n  ${bold('5.')} Grandchildren: parent ${bold(`pid ${treeParentPid}`)} started ${bold("`sh -c 'sleep 60 & sleep 60 & wait'`")} three ways.`,
);
if (!treeMode)
  say(yellow(`     tree mode is unavailable here: ${capabilities().treeReason ?? ''}`));
say(`     ${inverseRed(` kill -9 ${treeParentPid} `)}`);
const treeKilledAt = Date.now();
process.kill(treeParentPid, 'SIGKILL');
await once(treeParent, 'exit');
const treePids = /** @type {Record<string, number[]>} */ (trees);
await waitUntil(
  () =>
    (treePids['tree'] ?? []).every((pid) => !isRunning(pid)) && Date.now() - treeKilledAt >= 1000,
  4000,
);
/** @param {number[]} pids */
const survivorsOf = (pids) => pids.slice(1).filter((pid) => isRunning(pid));
const labels = { node: 'node:child_process', tethered: 'tethered', tree: 'tethered, tree: true' };
for (const key of TREE_COLUMNS) {
  const left = survivorsOf(treePids[key] ?? []);
  const shell = isRunning(treePids[key]?.[0] ?? 0) ? red('shell ALIVE') : green('shell gone');
  const text =
    left.length === 0
      ? green('✔ no grandchild left')
      : red(`✘ ${left.length} grandchildren ORPHANED (pids ${left.join(', ')})`);
  say(`  ${dim(pad(labels[key], LABEL))}${pad(shell, 12)}  ${text}`);
}
const treeOrphans = {
  node: survivorsOf(treePids['node'] ?? []).length,
  tethered: survivorsOf(treePids['tethered'] ?? []).length,
  tree: survivorsOf(treePids['tree'] ?? []).length,
};
say(
  `\n${note("Only the direct child gets the kernel's death signal. In tree mode a guardian process adopts\nevery descendant (PR_SET_CHILD_SUBREAPER) and kills them all when the parent dies.")}`,
);
const treeLeft = [...made].filter((pid) => isRunning(pid));
for (const pid of treeLeft) killIfSleep(pid);
const treeClean = await waitUntil(() => [...made].every((pid) => !isRunning(pid)), 5000);

const shown =
  nodeOrphans.length === ROWS.length &&
  tetheredOrphans.length === 0 &&
  treeOrphans.node === 2 &&
  treeOrphans.tethered === 2 &&
  treeOrphans.tree === 0;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const verdict =
  `${nodeOrphans.length} orphans from node:child_process, ${tetheredOrphans.length} from tethered; ` +
  `grandchildren left: ${treeOrphans.node} / ${treeOrphans.tethered} / ${treeOrphans.tree} (tree: true).`;
say(
  `\n  ${shown ? inverseGreen(' RESULT ') : inverseRed(' RESULT ')} ${verdict} ${dim(`(${seconds} s)`)}\n`,
);
process.exitCode = shown && clean && treeClean ? 0 : 1;
