// tethered/register: every spawn, exec, execFile and fork in the process is tethered, however
// child_process was imported, including inside libraries; spawnSync/execSync/execFileSync are
// left alone. Each case runs in a fresh Node process (the registration is process-wide), whose
// children report their own PR_GET_PDEATHSIG through test/fixtures/pdeathsig.py.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath } from './helpers/fixtures.js';
import { killQuietly, waitFor, waitForDeath, isAlive, watch } from './helpers/proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PDEATHSIG = fixturePath('pdeathsig.py');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `code` in a new Node process from the package root (so `tethered/register` resolves to
 * this package by self-reference). `P` is defined as the pdeathsig fixture's path.
 */
function runNode(flags: readonly string[], code: string): Promise<Result> {
  const prelude = `const P = ${JSON.stringify(PDEATHSIG)};\n`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...flags, '-e', prelude + code],
      { cwd: ROOT },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code: exitCode, stdout, stderr });
      },
    );
  });
}

const ESM = ['--input-type=module'];

/** ESM code that prints, one per line, the death signal each entry point's child reports. */
const REPORT_EACH_ENTRY_POINT = `
const run = (start) => new Promise((resolve, reject) => {
  const child = start();
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('error', reject);
  child.on('close', () => resolve(out.trim()));
});
const results = {
  spawn: await run(() => spawn('python3', [P])),
  exec: await run(() => exec('exec python3 ' + P)),
  execFile: await run(() => execFile('python3', [P])),
  fork: await run(() => fork(P, [], { execPath: 'python3', execArgv: [], silent: true })),
};
console.log(JSON.stringify(results));
`;

const ALL_SIGTERM = { spawn: '15', exec: '15', execFile: '15', fork: '15' };

// Each case is its own Node process: they run side by side.
describe.concurrent('tethered/register', () => {
  it('tethers spawn/exec/execFile/fork from ESM named imports under --import', async () => {
    const result = await runNode(
      [...ESM, '--import', 'tethered/register'],
      `import { spawn, exec, execFile, fork } from 'node:child_process';\n${REPORT_EACH_ENTRY_POINT}`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(ALL_SIGTERM);
  });

  it('tethers through a static import next to a named import of child_process', async () => {
    const result = await runNode(
      ESM,
      `import 'tethered/register';\nimport { spawn, exec, execFile, fork } from 'child_process';\n${REPORT_EACH_ENTRY_POINT}`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(ALL_SIGTERM);
  });

  it('tethers through a namespace import', async () => {
    const result = await runNode(
      ESM,
      `import 'tethered/register';\nimport * as cp from 'node:child_process';\nconst { spawn, exec, execFile, fork } = cp;\n${REPORT_EACH_ENTRY_POINT}`,
    );
    expect(JSON.parse(result.stdout)).toEqual(ALL_SIGTERM);
  });

  it("tethers require('child_process') in CommonJS under --import", async () => {
    const result = await runNode(
      ['--import', 'tethered/register'],
      `const cp = require('child_process');
       const child = cp.spawn('python3', [P]);
       child.stdout.on('data', (d) => process.stdout.write(d));`,
    );
    expect(result).toEqual({ code: 0, stdout: '15\n', stderr: '' });
  });

  it("tethers after require('tethered/register') in CommonJS", async () => {
    const result = await runNode(
      [],
      `require('tethered/register');
       const child = require('child_process').spawn('python3', [P]);
       child.stdout.on('data', (d) => process.stdout.write(d));`,
    );
    expect(result).toEqual({ code: 0, stdout: '15\n', stderr: '' });
  });

  it('without it, the same children report no death signal (control)', async () => {
    const result = await runNode(
      ESM,
      `import { spawn, exec, execFile, fork } from 'node:child_process';\n${REPORT_EACH_ENTRY_POINT}`,
    );
    expect(JSON.parse(result.stdout)).toEqual({ spawn: '0', exec: '0', execFile: '0', fork: '0' });
  });

  it('tethers calls made inside a library that captured spawn before registration', async () => {
    // cross-spawn keeps its own reference to child_process.spawn, taken before register ran.
    const result = await runNode(
      [],
      `const crossSpawn = require('cross-spawn');
       import('tethered/register').then(() => {
         const child = crossSpawn('python3', [P]);
         child.stdout.on('data', (d) => process.stdout.write(d));
       });`,
    );
    expect(result).toEqual({ code: 0, stdout: '15\n', stderr: '' });
  });

  it('is harmless when it runs twice (and an explicit deathSignal still wins)', async () => {
    const again = new URL('../lib/register.js?again', import.meta.url).href;
    const result = await runNode(
      [...ESM, '--import', 'tethered/register'],
      `import 'tethered/register';
       await import(${JSON.stringify(again)});
       import { spawn, exec, execFile, fork } from 'node:child_process';
       ${REPORT_EACH_ENTRY_POINT}
       const killed = spawn('python3', [P], { deathSignal: 'SIGKILL' });
       killed.stdout.on('data', (d) => process.stdout.write(d));`,
    );
    expect(result.stderr).toBe('');
    const [first, second] = result.stdout.trim().split('\n');
    expect(JSON.parse(first ?? '')).toEqual(ALL_SIGTERM);
    expect(second).toBe('9');
  });

  it('tethers spawnSync, execSync and execFileSync (ESM named imports)', async () => {
    const result = await runNode(
      [...ESM, '--import', 'tethered/register'],
      `import { spawnSync, execSync, execFileSync } from 'node:child_process';
       console.log(JSON.stringify({
         spawnSync: spawnSync('python3', [P]).stdout.toString().trim(),
         execSync: execSync('exec python3 ' + P).toString().trim(),
         execFileSync: execFileSync('python3', [P]).toString().trim(),
       }));`,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      spawnSync: '15',
      execSync: '15',
      execFileSync: '15',
    });
  });

  it('kills the children of a registered process that is SIGKILLed', async () => {
    const parent = execFile(
      process.execPath,
      [
        ...ESM,
        '--import',
        'tethered/register',
        '-e',
        `import { spawn } from 'node:child_process';
       const child = spawn('sleep', ['60'], { stdio: 'ignore' });
       child.on('spawn', () => console.log(child.pid));
       setInterval(() => {}, 1000);`,
      ],
      { cwd: ROOT },
    );
    let stdout = '';
    parent.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let childPid: number | undefined;
    try {
      expect(await waitFor(() => /^\d+\n/.test(stdout), 20_000)).toBe(true);
      childPid = watch(Number(stdout.trim()));
      expect(isAlive(childPid)).toBe(true);
      parent.kill('SIGKILL');
      expect(await waitForDeath(childPid, 20_000)).toBe(true);
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) killQuietly(parent.pid);
      killQuietly(childPid);
    }
  });
});
