// `npm run bench`: runs every section for tethered and node:child_process in the same run and
// prints the tables with ratios. Each memory size runs in its own node subprocess.
//   --quick            short smoke mode (< 60 s), small sizes; prints, never asserts timings
//   --mem 0,1,4        ballast sizes in GiB (section 5); default 0,1,4
//   --sections 1,2,3,4,6,7,9 which sections to run; default all (7: spawnSync/execFileSync, 9: kill())
//   --duration 2000    length of one timed measurement, ms
//   --runs 3           runs per measurement (the median is printed)
//   --children 1000    live children held in section 6
//   --json FILE        also write the raw results as JSON
//   --node PATH        node binary for the bench subprocesses (default: this one)
//   --ticker timer     section 4's ticker: 'timer' (1 ms setTimeout) or 'immediate' (setImmediate)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cFloor } from './support/floor.mjs';
import { machineFacts } from './support/machine.mjs';
import { render } from './support/report.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    mem: { type: 'string' },
    sections: { type: 'string' },
    duration: { type: 'string' },
    runs: { type: 'string' },
    children: { type: 'string' },
    json: { type: 'string' },
    node: { type: 'string' },
    ticker: { type: 'string', default: 'timer' },
  },
});

const quick = values.quick;
const list = (text) => text.split(',').map(Number);
const sections = values.sections ? list(values.sections) : [1, 2, 3, 4, 5, 6, 7, 9];
const memGiB = values.mem ? list(values.mem) : quick ? [0, 0.25] : [0, 1, 4];
const config = {
  quick,
  sections,
  memGiB: sections.includes(5) ? memGiB : memGiB.slice(0, 1),
  durationMs: Number(values.duration ?? (quick ? 250 : 2000)),
  runs: Number(values.runs ?? (quick ? 1 : 3)),
  children: Number(values.children ?? (quick ? 100 : 1000)),
  holdRuns: Number(values.runs ?? (quick ? 1 : 3)),
  node: values.node ?? process.execPath,
  ticker: values.ticker,
};

/** Runs a bench worker script and returns its JSON result; its progress goes to our stderr. */
function runWorker(script, nodeArgs, workerConfig) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(config.node, [...nodeArgs, path, JSON.stringify(workerConfig)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code !== 0) reject(new Error(`${script} exited with ${code ?? signal}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

const started = performance.now();
const facts = machineFacts();
process.stderr.write(
  `bench: ${config.quick ? 'quick' : 'full'} run, memory ${config.memGiB.join('/')} GiB, ` +
    `${config.durationMs} ms x ${config.runs} runs per figure\n`,
);
const rateSections = sections.filter((s) => (s >= 1 && s <= 4) || s === 7);
const floor = rateSections.includes(1) ? cFloor(config.durationMs, config.runs) : undefined;
const byMemory = [];
if (rateSections.length > 0) {
  for (const gib of config.memGiB) {
    byMemory.push(
      await runWorker('./rates-worker.mjs', [], {
        ballastMiB: Math.round(gib * 1024),
        durationMs: config.durationMs,
        runs: config.runs,
        sections: rateSections,
        ticker: config.ticker,
      }),
    );
  }
}
let hold;
if (sections.includes(6)) {
  hold = await runWorker('./hold-worker.mjs', ['--expose-gc'], {
    children: config.children,
    runs: config.holdRuns,
  });
}
let kill;
if (sections.includes(9)) {
  kill = await runWorker('./kill-worker.mjs', [], { kills: config.quick ? 5 : 30 });
}
const results = {
  config,
  machine: { ...facts, loadavgEnd: machineFacts().loadavg },
  elapsedSec: (performance.now() - started) / 1000,
  floor,
  byMemory,
  hold,
  kill,
};
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(render(results));
