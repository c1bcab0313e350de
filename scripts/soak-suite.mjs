#!/usr/bin/env node
// Runs the whole vitest suite N times back to back and reports every test that ever failed, with
// how often, so that a flake shows up as a count instead of hiding in one lucky run.
//
//   node scripts/soak-suite.mjs                         # 5 runs on the running node
//   node scripts/soak-suite.mjs --runs 3 --major 26     # 3 runs on Node 26 (as test-matrix.mjs)
//   node scripts/soak-suite.mjs --runs 5 --load 2       # with 2 busy-loop processes running
//   node scripts/soak-suite.mjs --runs 20 test/parity   # extra arguments go to `vitest run`
//
// --load K starts K processes that spin on a CPU until the soak ends; they are started and
// stopped by pid (also on SIGINT/SIGTERM). Each run's JSON report is kept under
// .cache/soak/<major>-run-<i>.json and the summary in .cache/soak/summary-<major>.json.
// Exits 1 if any test (or any test file) failed in any run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { majorOf, nodeFor, versionOf } from './node-major.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORTS = join(ROOT, '.cache', 'soak');

function parseArguments(argv) {
  const options = { runs: 5, major: majorOf(process.version), load: 0, vitestArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const number = () => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs a whole number`);
      return value;
    };
    if (arg === '--runs') options.runs = number();
    else if (arg === '--major') options.major = number();
    else if (arg === '--load') options.load = number();
    else options.vitestArgs.push(arg);
  }
  return options;
}

/** Starts `count` CPU-bound processes; returns a function that SIGKILLs each by its pid. */
function startLoad(count) {
  const pids = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    child.unref();
    return child.pid;
  });
  if (count > 0) console.log(`[soak] load: ${count} busy loops, pids ${pids.join(' ')}`);
  return () => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
}

/** The failed tests and failed files of one vitest JSON report, or undefined without a report. */
function failuresIn(reportFile) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8'));
  } catch {
    return undefined;
  }
  const failures = [];
  for (const file of report.testResults) {
    const path = relative(ROOT, file.name);
    const failedTests = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      failures.push({ name: `${path} > ${test.fullName}`, message: test.failureMessages[0] ?? '' });
    }
    // A file that failed without a failed test: it did not load, or a hook failed.
    if (file.status === 'failed' && failedTests.length === 0) {
      failures.push({ name: `${path} (the file itself)`, message: file.message ?? '' });
    }
  }
  return { passed: report.numPassedTests, total: report.numTotalTests, failures };
}

function firstLine(message) {
  return message.split('\n').find((line) => line.trim() !== '') ?? '';
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (process.platform !== 'linux') throw new Error('tethered targets Linux; the soak runs there');
  const node = nodeFor(options.major, false);
  const version = versionOf(node);
  mkdirSync(REPORTS, { recursive: true });
  const stopLoad = startLoad(options.load);
  let vitest;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopLoad();
      if (vitest?.exitCode === null) vitest.kill('SIGTERM');
      process.exit(130);
    });
  }
  const everFailed = new Map();
  const runs = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      const reportFile = join(REPORTS, `node${options.major}-run-${run}.json`);
      rmSync(reportFile, { force: true });
      console.log(`\n[soak] run ${run}/${options.runs} on Node ${version}`);
      const started = Date.now();
      vitest = spawn(
        node,
        [
          join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          '--reporter=dot',
          '--reporter=json',
          `--outputFile.json=${reportFile}`,
          ...options.vitestArgs,
        ],
        { cwd: ROOT, stdio: 'inherit' },
      );
      const [status, signal] = await once(vitest, 'exit');
      const seconds = (Date.now() - started) / 1000;
      const result = failuresIn(reportFile) ?? {
        passed: 0,
        total: 0,
        failures: [{ name: '(no report)', message: `vitest exited ${status ?? signal}` }],
      };
      // A run that failed with no failed test (its global setup failed, or it found no test) or
      // ran nothing counts as a failure too: a soak must never pass without running the suite.
      if ((status !== 0 && result.failures.length === 0) || result.total === 0) {
        result.failures.push({
          name: '(the run itself)',
          message: `vitest exited ${status ?? signal} after ${result.total} tests`,
        });
      }
      for (const failure of result.failures) {
        const seen = everFailed.get(failure.name) ?? {
          count: 0,
          runs: [],
          message: failure.message,
        };
        seen.count++;
        seen.runs.push(run);
        everFailed.set(failure.name, seen);
      }
      runs.push({
        run,
        seconds,
        passed: result.passed,
        total: result.total,
        failed: result.failures.length,
      });
      console.log(
        `[soak] run ${run}: ${result.passed}/${result.total} passed, ` +
          `${result.failures.length} failed, ${seconds.toFixed(1)} s`,
      );
    }
  } finally {
    stopLoad();
  }
  const summary = {
    node: version,
    load: options.load,
    runs,
    everFailed: [...everFailed].map(([name, seen]) => ({ name, ...seen })),
  };
  writeFileSync(
    join(REPORTS, `summary-node${options.major}.json`),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  console.log(`\n[soak] Node ${version}, ${options.load} load processes, ${runs.length} runs:`);
  for (const { run, seconds, passed, total, failed } of runs) {
    console.log(
      `  run ${run}: ${passed}/${total} passed, ${failed} failed, ${seconds.toFixed(1)} s`,
    );
  }
  if (everFailed.size === 0) {
    console.log('[soak] no test failed in any run');
  } else {
    console.log(`[soak] ${everFailed.size} tests failed at least once:`);
    for (const [name, seen] of everFailed) {
      console.log(`  ${seen.count}/${runs.length}  ${name}  (runs ${seen.runs.join(', ')})`);
      console.log(`        ${firstLine(seen.message)}`);
    }
  }
  process.exit(everFailed.size === 0 ? 0 : 1);
}

await main();
