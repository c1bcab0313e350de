// Turns the raw results of a bench run into the printed report: one table per section, ratios
// against node:child_process from the same run, then a summary of the headline figures.
import { SYNC_CALLS } from './sync-measure.mjs';
import { micros, num, ratio, table } from './table.mjs';

const DISTURBED = 0.3; // cores used by other processes above which a figure is flagged

function others(...results) {
  const worst = Math.max(...results.map((r) => r?.others ?? 0));
  return `${worst.toFixed(2)}${worst > DISTURBED ? '*' : ''}`;
}

const memLabel = (m) => `${m.ballastMiB / 1024} GiB`;

function header(results) {
  const { machine: m, config: c } = results;
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  return [
    `tethered bench: ${c.quick ? 'QUICK smoke run (figures are indicative only)' : 'full run'}`,
    `node ${m.node}, Linux ${m.kernel}, ${m.cpus} cpus (${m.cpuModel}), ` +
      `${m.memGiB.toFixed(0)} GiB RAM, THP ${m.thp}`,
    `load average: ${load(m.loadavg)} at start, ${load(m.loadavgEnd)} at end; ` +
      `run took ${results.elapsedSec.toFixed(0)} s`,
    `each figure: median of ${c.runs} run(s) of ${c.durationMs} ms, implementations interleaved; ` +
      `"others" = CPU cores used by other processes meanwhile (* = over ${DISTURBED}, disturbed)`,
    `command: /bin/true; ratios are tethered vs node:child_process (> 1x = tethered better)`,
  ].join('\n');
}

function memoryTable(byMemory) {
  return table(
    ['ballast', 'RSS before', 'RSS holding ballast', 'RSS at end'],
    byMemory.map((m) => [
      memLabel(m),
      `${num(m.rss.before.rssMiB)} MiB`,
      `${num(m.rss.held.rssMiB)} MiB`,
      `${num(m.rss.end.rssMiB)} MiB`,
    ]),
  );
}

function sequentialTable(byMemory) {
  const rows = [];
  for (const m of byMemory) {
    for (const stdio of ['ignore', 'pipe']) {
      const s = m.sections[`sequential-${stdio}`];
      if (s === undefined) continue;
      rows.push([
        memLabel(m),
        stdio,
        num(s.node.rate),
        num(s.tethered.rate),
        ratio(s.tethered.rate, s.node.rate),
        num(s.async.rate),
        ratio(s.async.rate, s.node.rate),
        others(s.node, s.tethered, s.async),
      ]);
    }
  }
  return table(
    ['ballast', 'stdio', 'node /s', 'spawn /s', 'ratio', 'spawnAsync /s', 'ratio', 'others'],
    rows,
  );
}

function inFlightTable(byMemory) {
  const rows = [];
  for (const m of byMemory) {
    for (const key of Object.keys(m.sections).filter((k) => k.startsWith('inflight-'))) {
      const s = m.sections[key];
      rows.push([
        memLabel(m),
        key.slice('inflight-'.length),
        num(s.node.rate),
        num(s.tethered.rate),
        ratio(s.tethered.rate, s.node.rate),
        num(s.async.rate),
        ratio(s.async.rate, s.node.rate),
        [s.node, s.tethered, s.async].some((r) => r.error)
          ? 'errors!'
          : others(s.node, s.tethered, s.async),
      ]);
    }
  }
  return table(
    ['ballast', 'in flight', 'node /s', 'spawn /s', 'ratio', 'spawnAsync /s', 'ratio', 'others'],
    rows,
  );
}

function blockTable(byMemory) {
  const rows = [];
  for (const m of byMemory) {
    for (const stdio of ['ignore', 'pipe']) {
      const s = m.sections[`sequential-${stdio}`];
      if (s === undefined) continue;
      rows.push([
        memLabel(m),
        stdio,
        micros(s.node.blockP50Us),
        micros(s.node.blockP99Us),
        micros(s.tethered.blockP50Us),
        micros(s.tethered.blockP99Us),
        ratio(s.node.blockP50Us, s.tethered.blockP50Us),
        ratio(s.node.blockP99Us, s.tethered.blockP99Us),
        micros(s.async.blockP50Us),
        micros(s.async.blockP99Us),
        `${num(s.node.count)}/${num(s.tethered.count)}`,
      ]);
    }
  }
  return table(
    [
      'ballast',
      'stdio',
      'node p50',
      'node p99',
      'spawn p50',
      'spawn p99',
      'ratio p50',
      'ratio p99',
      'spawnAsync() p50',
      'p99',
      'calls node/spawn',
    ],
    rows,
  );
}

/** (7) tree mode against plain tethered and node, from the same sequential runs as (1)/(3). */
function treeTable(byMemory) {
  const rows = [];
  for (const m of byMemory) {
    for (const stdio of ['ignore', 'pipe']) {
      const s = m.sections[`sequential-${stdio}`];
      if (s?.tree === undefined) continue;
      const extraMs = 1000 / s.tree.rate - 1000 / s.tethered.rate;
      const extraCpu = s.tree.cpuPerSpawnMs - s.tethered.cpuPerSpawnMs;
      rows.push([
        memLabel(m),
        stdio,
        num(s.node.rate),
        num(s.tethered.rate),
        num(s.tree.rate),
        `${extraMs.toFixed(3)} ms`,
        Number.isFinite(extraCpu) ? `${extraCpu.toFixed(3)} ms` : 'n/a',
        ratio(s.tree.rate, s.node.rate),
        micros(s.tree.blockP50Us),
        micros(s.tree.blockP99Us),
        ratio(s.node.blockP50Us, s.tree.blockP50Us),
        others(s.node, s.tethered, s.tree),
      ]);
    }
  }
  return table(
    [
      'ballast',
      'stdio',
      'node /s',
      'spawn /s',
      'tree /s',
      'extra per spawn',
      'extra CPU',
      'tree vs node',
      'tree block p50',
      'p99',
      'block vs node p50',
      'others',
    ],
    rows,
  );
}

function turnsTable(byMemory) {
  const rows = [];
  for (const m of byMemory) {
    const s = m.sections.turns;
    if (s === undefined) continue;
    for (const [key, label] of [
      ['node', 'node spawn'],
      ['tethered', 'tethered spawn'],
      ['async', 'tethered spawnAsync'],
    ]) {
      const r = s[key];
      rows.push([
        memLabel(m),
        label,
        num(r.turnsPerSec),
        key === 'node' ? '' : ratio(r.turnsPerSec, s.node.turnsPerSec),
        `${num(r.longestStallMs, 1)} ms`,
        key === 'node' ? '' : ratio(s.node.longestStallMs, r.longestStallMs),
        num(r.stallsOver20),
        `${num(r.runDelayMs, 0)} ms`,
        num(r.rate),
        others(r),
      ]);
    }
  }
  return table(
    [
      'ballast',
      'spawning with',
      'turns/s',
      'ratio',
      'longest stall',
      'ratio',
      'stalls > 20 ms',
      'JS thread waited for CPU',
      'spawns/s',
      'others',
    ],
    rows,
  );
}

function syncTable(byMemory) {
  const rows = [];
  for (const m of byMemory) {
    for (const [key, { label }] of Object.entries(SYNC_CALLS)) {
      const s = m.sections[key];
      if (s === undefined) continue;
      rows.push([
        memLabel(m),
        label,
        num(s.node.rate),
        num(s.tethered.rate),
        ratio(s.tethered.rate, s.node.rate),
        others(s.node, s.tethered),
      ]);
    }
  }
  return table(['ballast', 'call', 'node /s', 'tethered /s', 'ratio', 'others'], rows);
}

function holdTable(hold) {
  const rows = [];
  for (const [stdio, byImpl] of Object.entries(hold.results)) {
    for (const [key, label] of [
      ['node', 'node spawn'],
      ['tethered', 'tethered spawn'],
      ['async', 'tethered spawnAsync'],
    ]) {
      const r = byImpl[key];
      rows.push([
        stdio,
        label,
        `${num(r.startSec, 2)} s`,
        key === 'node' ? '' : ratio(byImpl.node.startSec, r.startSec),
        `${num(r.rssMiB, 1)} MiB`,
        `${num(r.heapMiB, 1)} MiB`,
        num(r.fds),
        num(r.fdsPerChild, 2),
        num(r.leftAlive),
        others(r),
      ]);
    }
  }
  return table(
    [
      'stdio',
      'spawned with',
      'all running',
      'ratio',
      'RSS +',
      'V8 heap +',
      'fds +',
      'fds/child',
      'alive after kill',
      'others',
    ],
    rows,
  );
}

/** The headline figures of this run, each with its ratio against node:child_process. */
function summary(results) {
  const rows = [];
  const mem = (gib) => results.byMemory.find((m) => m.ballastMiB === gib * 1024);
  const seq = (m) => m?.sections['sequential-ignore'];
  const add = (figure, measured) => rows.push([figure, measured]);

  const base = seq(mem(0));
  for (const m of results.byMemory) {
    const s = seq(m);
    if (s === undefined) continue;
    add(
      `sequential spawns/s, tethered vs node (${m.ballastMiB === 0 ? 'base RSS' : memLabel(m)})`,
      `${(s.tethered.rate / s.node.rate).toFixed(1)}x (${num(s.tethered.rate)} vs ${num(s.node.rate)}/s)`,
    );
  }
  const big = seq(mem(4));
  if (big && base) {
    add(
      'tethered sequential rate at 4 GiB vs base RSS',
      `${((big.tethered.rate / base.tethered.rate - 1) * 100).toFixed(0)}% (${num(big.tethered.rate)} vs ${num(base.tethered.rate)}/s)`,
    );
  }
  for (const m of results.byMemory) {
    const s16 = m.sections['inflight-16'];
    if (s16 === undefined) continue;
    const nodeBest = Math.max(
      ...Object.entries(m.sections)
        .filter(([k]) => k.startsWith('inflight-') || k.startsWith('sequential-'))
        .map(([, s]) => s.node.rate),
    );
    const ours = Math.max(s16.tethered.rate, s16.async.rate);
    add(
      `16 in flight vs node's best rate (${memLabel(m)})`,
      `${(ours / nodeBest).toFixed(1)}x (${num(ours)} vs ${num(nodeBest)}/s)`,
    );
  }
  for (const m of results.byMemory) {
    const s = seq(m);
    if (s?.tree === undefined) continue;
    const extraMs = 1000 / s.tree.rate - 1000 / s.tethered.rate;
    const extraCpu = s.tree.cpuPerSpawnMs - s.tethered.cpuPerSpawnMs;
    add(
      `tree mode: extra per spawn over plain tethered (${memLabel(m)})`,
      `${extraMs.toFixed(3)} ms wall, ${extraCpu.toFixed(3)} ms CPU`,
    );
    if (m.ballastMiB === 0) {
      add(
        'tree mode spawns/s vs node (base RSS)',
        `${(s.tree.rate / s.node.rate).toFixed(2)}x (${num(s.tree.rate)} vs ${num(s.node.rate)}/s)`,
      );
    }
  }
  const guardianRss = results.byMemory.map((m) => m.guardianRssKiB).filter((x) => x !== undefined);
  if (guardianRss.length > 0) {
    const worst = Math.max(...guardianRss);
    add('one live guardian: RSS', `${worst} KiB`);
  }
  const blocks = results.byMemory.flatMap((m) =>
    ['ignore', 'pipe'].map((stdio) => m.sections[`sequential-${stdio}`]?.tethered).filter(Boolean),
  );
  if (blocks.length > 0) {
    add('spawn() block p50, worst size', micros(Math.max(...blocks.map((b) => b.blockP50Us))));
    add('spawn() block p99, worst size', micros(Math.max(...blocks.map((b) => b.blockP99Us))));
  }
  const turns = results.byMemory.map((m) => m.sections.turns?.async).filter(Boolean);
  if (turns.length > 0) {
    add(
      'spawnAsync at max rate: turns/s, worst size',
      num(Math.min(...turns.map((t) => t.turnsPerSec))),
    );
    add(
      'spawnAsync at max rate: longest stall, worst size',
      `${num(Math.max(...turns.map((t) => t.longestStallMs)), 1)} ms`,
    );
  }
  if (results.hold) {
    const n = results.hold.children;
    for (const [stdio, byImpl] of Object.entries(results.hold.results)) {
      for (const key of ['tethered', 'async']) {
        const r = byImpl[key];
        const name = key === 'async' ? 'spawnAsync' : 'spawn';
        add(
          `${n} live children (${name}, ${stdio}): start time vs node`,
          `${num(r.startSec, 2)} s vs ${num(byImpl.node.startSec, 2)} s (${ratio(byImpl.node.startSec, r.startSec)})`,
        );
        add(
          `fds per live child vs node (${name}, ${stdio})`,
          `${num(r.fdsPerChild, 2)} vs ${num(byImpl.node.fdsPerChild, 2)}`,
        );
      }
    }
  }
  return table(['figure', 'measured'], rows);
}

function tickerLabel(results) {
  return results.config.ticker === 'immediate'
    ? 'setImmediate, the JS thread never sleeps'
    : '1 ms setTimeout, at most ~1000 turns/s';
}

// Here the ratio is a cost: how many times Node's time one kill() takes.
function killTable(kill) {
  const node = kill.results.node;
  const labels = {
    node: 'node:child_process',
    tethered: 'tethered, default',
    descendants: 'tethered, killDescendants: true',
    tree: 'tethered, tree: true',
  };
  return table(
    ['kill() on', 'p50', 'p99', "p50 / node's p50", 'sleeps left'],
    Object.entries(kill.results).map(([name, r]) => [
      labels[name] ?? name,
      micros(r.p50Us),
      micros(r.p99Us),
      ratio(r.p50Us, node.p50Us),
      `${r.sleepsLeft} of ${r.kills * (kill.processes - 1)}`,
    ]),
  );
}

/** The full printed report. */
export function render(results) {
  const parts = [header(results)];
  const { byMemory, hold } = results;
  if (byMemory.length > 0) {
    parts.push(
      `(5) parent memory held by filled Buffers (each size in its own process)\n${memoryTable(byMemory)}`,
    );
    if (byMemory.some((m) => m.sections['sequential-ignore'])) {
      const floor = results.floor
        ? `\nfloor, same machine and run: a C loop of posix_spawn (clone CLONE_VM|CLONE_VFORK) + waitpid: ` +
          `${num(results.floor.rate)}/s, ${micros(results.floor.blockP50Us)} p50 / ` +
          `${micros(results.floor.blockP99Us)} p99 inside posix_spawn`
        : '\nfloor: no C compiler (cc), C loop skipped';
      parts.push(`(1) sequential spawn + exit, spawns/s\n${sequentialTable(byMemory)}${floor}`);
    }
    if (byMemory.some((m) => Object.keys(m.sections).some((k) => k.startsWith('inflight-')))) {
      parts.push(
        `(2) spawns/s with N children in flight (respawn on 'close')\n${inFlightTable(byMemory)}`,
      );
    }
    if (byMemory.some((m) => m.sections['sequential-ignore'])) {
      parts.push(
        `(3) JS-thread block per call (during (1)); spawnAsync(): synchronous part only\n${blockTable(byMemory)}`,
      );
    }
    if (byMemory.some((m) => m.sections.turns)) {
      parts.push(
        `(4) event loop while spawning at max rate (16 in flight; ticker: ${tickerLabel(results)}; ` +
          `turns counted until the deadline)\n${turnsTable(byMemory)}`,
      );
    }
  }
  if (byMemory.some((m) => Object.keys(SYNC_CALLS).some((key) => m.sections[key]))) {
    parts.push(
      `(7) synchronous calls back to back (the JS thread blocks in both), calls/s\n${syncTable(byMemory)}`,
    );
  }
  if (byMemory.some((m) => m.sections['sequential-ignore']?.tree)) {
    const rss = byMemory.map((m) => m.guardianRssKiB).filter((x) => x !== undefined);
    parts.push(
      `(8) tree mode (tree: true: a guardian per child), same runs as (1); one live guardian's RSS: ` +
        `${rss.map((x) => `${x} KiB`).join(' / ')}\n${treeTable(byMemory)}`,
    );
  }
  if (hold) {
    parts.push(
      `(6) holding ${hold.children} live 'sleep 30' children (then SIGKILL by pid)\n${holdTable(hold)}`,
    );
  }
  if (results.kill) {
    parts.push(
      `(9) JS-thread time of one kill() (SIGTERM) on a child with a tree of ${results.kill.processes} processes\n${killTable(results.kill)}`,
    );
  }
  parts.push(`summary\n${summary(results)}`);
  return `${parts.join('\n\n')}\n`;
}
