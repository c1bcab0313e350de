#!/usr/bin/env node
// Runs the parity scenario "timeout against a child that traps SIGTERM" in a loop and reports
// every run whose child did not exit, with where the child waits (/proc/<pid>/syscall, wchan).
//
//   node scripts/trap-timeout-loop.mjs                      # 400 runs, tethered and node sides
//   node scripts/trap-timeout-loop.mjs --runs 1000 --load 2  # with 2 busy-loop processes
//   node scripts/trap-timeout-loop.mjs --fixture old.py     # another copy of the fixture
//   node scripts/trap-timeout-loop.mjs --direct             # no Node spawn API: os.kill only
//
// Each run spawns test/parity/fixtures/traps-signals.py with { timeout: 100 }, waits until the
// fixture has trapped SIGTERM (the file it creates), and waits for 'exit' (bounded: --deadline ms,
// 5000 by default). A child still running at the deadline and 5 deadlines later counts as a hang:
// where it waited at the first deadline is printed, and it is SIGKILLed.
// --direct leaves Node's spawn out: python3 starts the fixture and sends SIGTERM itself once the
// file exists, so a hang there is the fixture's own. Busy-loop load processes are started and
// stopped by pid. Exits 1 when any run hung.
import * as nodeChildProcess from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function parseArguments(argv) {
  const options = {
    runs: 400,
    load: 0,
    deadline: 5000,
    fixture: join(ROOT, 'test', 'parity', 'fixtures', 'traps-signals.py'),
    sides: ['tethered', 'node'],
    direct: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--load') options.load = Number(value());
    else if (arg === '--deadline') options.deadline = Number(value());
    else if (arg === '--fixture') options.fixture = value();
    else if (arg === '--side') options.sides = [value()];
    else if (arg === '--direct') options.direct = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** Blocks the JS thread until `path` exists, as the parity scenario does (bounded: 20 s). */
function waitForFileSync(path) {
  const deadline = Date.now() + 20_000;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    Atomics.wait(cell, 0, 0, 2);
  }
}

/** Where `pid` waits: its current syscall (number and first argument) and its wchan. */
function whereItWaits(pid) {
  const read = (name) => {
    try {
      return readFileSync(`/proc/${pid}/${name}`, 'utf8').trim();
    } catch (error) {
      return `(${error.code})`;
    }
  };
  const syscall = read('syscall').split(' ');
  // x86-64: 0 read, 7 poll, 23 select, 270 pselect6; arm64: 63 read, 72 pselect6.
  return `syscall ${syscall[0]} fd ${Number(syscall[1])} wchan ${read('wchan')}`;
}

function startLoad(count) {
  return Array.from({ length: count }, () =>
    nodeChildProcess.spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }),
  );
}

/** One run through a spawn API; resolves to undefined, or to where the stuck child waits. */
function runOnce(api, fixture, deadlineMs) {
  const dir = mkdtempSync(join(tmpdir(), 'tethered-trap-loop-'));
  const ready = join(dir, 'ready');
  const child = api.spawn('python3', [fixture, ready], {
    timeout: 100,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  waitForFileSync(ready);
  return new Promise((resolve) => {
    let timer = setTimeout(() => {
      const where = whereItWaits(child.pid);
      // A child that is only slow (exiting under load) ends within a second deadline.
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(`pid ${child.pid}: ${where}`);
      }, deadlineMs * 5);
    }, deadlineMs);
    child.on('exit', () => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve(undefined);
    });
  });
}

// --direct: python3 itself starts the fixture, sends SIGTERM as soon as the ready file exists,
// and prints one line per run that did not exit within the deadline, with where it waits.
const DIRECT_DRIVER = `
import os, signal, subprocess, sys, tempfile
fixture, runs, deadline = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000
for run in range(runs):
    ready = os.path.join(tempfile.mkdtemp(prefix='tethered-trap-loop-'), 'ready')
    child = subprocess.Popen([sys.executable, fixture, ready], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL)
    while not os.path.exists(ready):
        pass
    os.kill(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        where = open('/proc/%d/syscall' % child.pid).read().split()[:2]
        try:
            # A child that is only slow (exiting under load) ends within a second deadline.
            child.wait(timeout=deadline * 5)
            continue
        except subprocess.TimeoutExpired:
            pass
        wchan = open('/proc/%d/wchan' % child.pid).read()
        print('run %d: pid %d: syscall %s fd %d wchan %s' % (
            run + 1, child.pid, where[0], int(where[1], 16), wchan), flush=True)
        child.kill()
        child.wait()
    os.remove(ready)
    os.rmdir(os.path.dirname(ready))
`;

function runDirect(options) {
  const result = nodeChildProcess.spawnSync(
    'python3',
    ['-c', DIRECT_DRIVER, options.fixture, String(options.runs), String(options.deadline)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  for (const line of lines) console.log(`[trap-loop] direct ${line}`);
  return lines;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const tethered = await import(join(ROOT, 'lib', 'index.js'));
  const apis = { tethered, node: nodeChildProcess };
  const load = startLoad(options.load);
  let hangs = 0;
  try {
    for (const side of options.direct ? ['direct'] : options.sides) {
      const started = Date.now();
      const found = [];
      if (side === 'direct') found.push(...runDirect(options));
      for (let i = 0; side !== 'direct' && i < options.runs; i++) {
        const hang = await runOnce(apis[side], options.fixture, options.deadline);
        if (hang !== undefined) {
          found.push(`run ${i + 1}: ${hang}`);
          console.log(`[trap-loop] ${side} run ${i + 1} hung: ${hang}`);
        }
      }
      hangs += found.length;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `[trap-loop] ${side}: ${found.length} hung of ${options.runs} runs ` +
          `(${options.load} load processes, ${seconds} s, Node ${process.version})`,
      );
    }
  } finally {
    for (const child of load) child.kill('SIGKILL');
  }
  process.exit(hangs === 0 ? 0 : 1);
}

await main();
