#!/usr/bin/env node
// Runs the vitest suite once per Node major, with that major's own `node` binary.
//
//   npm run test:matrix                          # Node 20, 22, 24 and 26, the whole suite
//   npm run test:matrix -- --majors 20,26        # some majors
//   npm run test:matrix -- --majors 24 test/parity   # extra arguments go to `vitest run`
//   npm run test:matrix -- --refresh             # fetch the binaries again
//
// Each major's node comes from scripts/node-major.mjs (the running one, or the npm package
// `node-<platform>-<arch>@<major>` cached under .cache/node/<major>/). The addon is Node-API, so
// the one build in build/Release loads on every major. Prints a summary per major; exits 1 if
// any major failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFor, versionOf } from './node-major.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORTS = join(ROOT, '.cache', 'matrix');
const DEFAULT_MAJORS = [20, 22, 24, 26];

function parseArguments(argv) {
  let majors = DEFAULT_MAJORS;
  let refresh = false;
  const vitestArgs = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--majors' || arg.startsWith('--majors=')) {
      const value = arg === '--majors' ? argv[++i] : arg.slice('--majors='.length);
      majors = String(value ?? '')
        .split(',')
        .filter((part) => part.trim() !== '')
        .map((part) => {
          const major = Number(part);
          if (!Number.isInteger(major) || major < 1) throw new Error(`bad major: ${part}`);
          return major;
        });
      if (majors.length === 0) throw new Error('--majors needs a list, e.g. --majors 20,26');
    } else if (arg === '--refresh') {
      refresh = true;
    } else {
      vitestArgs.push(arg);
    }
  }
  return { majors, refresh, vitestArgs };
}

/** Test counts from vitest's JSON report, if it was written. */
function countsFrom(reportFile) {
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    return {
      files: report.numTotalTestSuites,
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      total: report.numTotalTests,
    };
  } catch {
    return undefined;
  }
}

function runMajor(major, refresh, vitestArgs) {
  const started = Date.now();
  let node;
  try {
    node = nodeFor(major, refresh);
  } catch (error) {
    return { major, ok: false, note: `no Node ${major}: ${error.message}` };
  }
  const version = versionOf(node);
  const reportFile = join(REPORTS, `node-${major}.json`);
  rmSync(reportFile, { force: true });
  console.log(`\n[matrix] Node ${version} (${node})`);
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const run = spawnSync(
    node,
    [
      vitest,
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      ...vitestArgs,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const counts = countsFrom(reportFile);
  const ok = run.status === 0;
  const note =
    run.signal !== null
      ? `vitest killed by ${run.signal}`
      : counts === undefined
        ? `vitest exited ${run.status}`
        : `${counts.passed}/${counts.total} tests passed, ${counts.failed} failed`;
  return { major, version, ok, note: `${note} (${seconds} s)` };
}

function main() {
  const { majors, refresh, vitestArgs } = parseArguments(process.argv.slice(2));
  if (process.platform !== 'linux') {
    console.error('[matrix] tethered targets Linux; the matrix runs there only');
    process.exit(1);
  }
  mkdirSync(REPORTS, { recursive: true });
  const results = majors.map((major) => runMajor(major, refresh, vitestArgs));
  console.log('\n[matrix] summary');
  for (const result of results) {
    const label = `Node ${result.version ?? result.major}`.padEnd(16);
    console.log(`  ${result.ok ? 'PASS' : 'FAIL'}  ${label} ${result.note}`);
  }
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}

main();
