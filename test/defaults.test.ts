// Process-wide defaults: register({...}) / setDefaults({...}) and TETHERED_DEFAULTS set
// deathSignal and requireTether for every later spawn; per-call options win; bad values are
// rejected exactly as the per-call options are. Each case runs in a fresh Node process (defaults
// are process-wide); children report their own PR_GET_PDEATHSIG (test/fixtures/pdeathsig.py).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath } from './helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PDEATHSIG = fixturePath('pdeathsig.py');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs ESM `code` in a new Node process from the package root; `P` is pdeathsig.py's path. */
function runNode(code: string, flags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const prelude = `const P = ${JSON.stringify(PDEATHSIG)};
const report = (start) => new Promise((resolve, reject) => {
  let child;
  try { child = start(); } catch (error) { resolve(error.code); return; }
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('error', reject);
  child.on('close', () => resolve(Number(out.trim())));
});
`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', ...flags, '-e', prelude + code],
      { cwd: ROOT, env: { ...process.env, TETHERED_DEFAULTS: '', ...env } },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code: exitCode, stdout, stderr });
      },
    );
  });
}

/** Parses the one JSON line a successful run printed. */
function json(result: Result): unknown {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('process-wide defaults', () => {
  it("register({ deathSignal }) from the main entry sets every child's signal; per-call options win", async () => {
    const result = await runNode(`
      import { register, spawn, getDefaults } from 'tethered';
      import * as cp from 'node:child_process';
      register({ deathSignal: 'SIGKILL' });
      console.log(JSON.stringify({
        defaults: getDefaults(),
        tethered: await report(() => spawn('python3', [P])),
        nodeSpawn: await report(() => cp.spawn('python3', [P])),
        perCall: await report(() => spawn('python3', [P], { deathSignal: 'SIGTERM' })),
        untethered: await report(() => spawn('python3', [P], { deathSignal: null })),
        detached: await report(() => spawn('python3', [P], { detached: true })),
      }));`);
    expect(json(result)).toStrictEqual({
      defaults: { deathSignal: 'SIGKILL' },
      tethered: 9,
      nodeSpawn: 9, // register() also installs the global seam, as tethered/register does
      perCall: 15,
      untethered: 0,
      detached: 0, // detached children stay untethered unless the call gives deathSignal
    });
  });

  it("setDefaults() changes only tethered's own functions; register() from tethered/register takes defaults too", async () => {
    const result = await runNode(`
      import { setDefaults, spawn } from 'tethered';
      import * as cp from 'node:child_process';
      setDefaults({ deathSignal: 'SIGUSR1' });
      const before = {
        tethered: await report(() => spawn('python3', [P])),
        nodeSpawn: await report(() => cp.spawn('python3', [P])),
      };
      const { register } = await import('tethered/register');
      register({ deathSignal: 'SIGHUP' });
      const after = await report(() => cp.spawn('python3', [P]));
      setDefaults({ deathSignal: undefined });
      const reset = await report(() => spawn('python3', [P]));
      console.log(JSON.stringify({ before, after, reset }));`);
    expect(json(result)).toStrictEqual({
      before: { tethered: 10, nodeSpawn: 0 },
      after: 1,
      reset: 15,
    });
  });

  it('TETHERED_DEFAULTS applies under node --import tethered/register; requireTether per call wins', async () => {
    const result = await runNode(
      `
      import * as cp from 'node:child_process';
      console.log(JSON.stringify({
        signal: await report(() => cp.spawn('python3', [P])),
      }));`,
      ['--import', 'tethered/register'],
      { TETHERED_DEFAULTS: '{"deathSignal":"SIGKILL","requireTether":true}' },
    );
    expect(json(result)).toStrictEqual({ signal: 9 });
    const fallback = await runNode(
      `
      import * as cp from 'node:child_process';
      import { spawn } from 'tethered';
      console.log(JSON.stringify({
        required: await report(() => cp.spawn('python3', [P])),
        tetheredRequired: await report(() => spawn('python3', [P])),
        allowed: await report(() => spawn('python3', [P], { requireTether: false })),
      }));`,
      ['--import', 'tethered/register'],
      { TETHERED_DEFAULTS: '{"requireTether":true}', TETHERED_FORCE_FALLBACK: '1' },
    );
    expect(json(fallback)).toStrictEqual({
      required: 'ERR_TETHER_UNAVAILABLE',
      tetheredRequired: 'ERR_TETHER_UNAVAILABLE',
      allowed: 0,
    });
  });

  it('a Worker inherits the defaults of the thread that created it', async () => {
    const result = await runNode(`
      import { register } from 'tethered';
      import { Worker } from 'node:worker_threads';
      register({ deathSignal: 'SIGUSR2' });
      const code = \`
        import { spawn } from 'node:child_process';
        import { parentPort } from 'node:worker_threads';
        const child = spawn('python3', [\${JSON.stringify(P)}]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', () => parentPort.postMessage(Number(out)));\`;
      const worker = new Worker(code, { eval: true, env: {} });
      const signal = await new Promise((resolve) => worker.once('message', resolve));
      console.log(JSON.stringify({ signal }));`);
    expect(json(result)).toStrictEqual({ signal: 12 });
  });

  it('the synchronous functions take the defaults too, registered or not; per-call options win', async () => {
    const result = await runNode(`
      import { setDefaults, register, spawnSync } from 'tethered';
      import * as cp from 'node:child_process';
      const sync = (run) => Number(run().stdout.toString().trim());
      setDefaults({ deathSignal: 'SIGUSR2' });
      const own = sync(() => spawnSync('python3', [P]));
      const perCall = sync(() => spawnSync('python3', [P], { deathSignal: 'SIGTERM' }));
      const nodeBefore = sync(() => cp.spawnSync('python3', [P]));
      register({ deathSignal: 'SIGKILL' });
      const nodeAfter = sync(() => cp.spawnSync('python3', [P]));
      console.log(JSON.stringify({ own, perCall, nodeBefore, nodeAfter }));`);
    expect(json(result)).toStrictEqual({ own: 12, perCall: 15, nodeBefore: 0, nodeAfter: 9 });
  });

  it('rejects bad default values with exactly the per-call errors, changing nothing', async () => {
    const result = await runNode(`
      import { register, setDefaults, getDefaults, spawn } from 'tethered';
      const error = (f) => { try { f(); return 'no error'; } catch (e) { return { code: e.code, name: e.name, message: e.message }; } };
      console.log(JSON.stringify({
        signal: [error(() => register({ deathSignal: 'SIGFOO' })), error(() => spawn('true', { deathSignal: 'SIGFOO' }))],
        type: [error(() => setDefaults({ deathSignal: {} })), error(() => spawn('true', { deathSignal: {} }))],
        boolean: [error(() => setDefaults({ requireTether: 'yes' })), error(() => spawn('true', { requireTether: 'yes' }))],
        unknown: error(() => setDefaults({ forest: true, deathSignal: 'SIGKILL' })),
        tree: [error(() => setDefaults({ tree: 'yes' })), error(() => spawn('true', { tree: 'yes' }))],
        grace: [error(() => setDefaults({ treeGraceMs: -1 })), error(() => spawn('true', { treeGraceMs: -1 }))],
        notObject: error(() => setDefaults('SIGKILL')),
        after: getDefaults(),
      }));`);
    const report = json(result) as Record<string, unknown>;
    for (const key of ['signal', 'type', 'boolean', 'tree', 'grace']) {
      const [fromDefault, fromCall] = report[key] as [unknown, unknown];
      expect(fromDefault).toStrictEqual(fromCall);
      expect(fromDefault).not.toBe('no error');
    }
    const unknown = report['unknown'] as { code: string; message: string };
    expect(unknown.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(unknown.message).toMatch(
      /unknown key 'forest' \(known: deathSignal, requireTether, tree, treeGraceMs, killDescendants\)/,
    );
    expect(report['notObject']).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(report['after']).toStrictEqual({});
  });

  it('a bad TETHERED_DEFAULTS stops node --import tethered/register with an error naming it', async () => {
    const cases = {
      '{"deathSignal":': /TETHERED_DEFAULTS is not valid JSON/,
      '{"deathSignal":"SIGFOO"}': /TETHERED_DEFAULTS: .*SIGFOO/,
      '{"requireTether":"yes"}': /TETHERED_DEFAULTS: .*options\.requireTether.*boolean/,
      '{"deathsignal":"SIGKILL"}': /TETHERED_DEFAULTS has an unknown key 'deathsignal'/,
      '["SIGKILL"]': /TETHERED_DEFAULTS must be an object/,
    };
    for (const [value, message] of Object.entries(cases)) {
      const result = await runNode(`console.log('ran');`, ['--import', 'tethered/register'], {
        TETHERED_DEFAULTS: value,
      });
      expect(result.code, value).toBe(1);
      expect(result.stdout, value).toBe('');
      expect(result.stderr, value).toMatch(message);
    }
  });
});
