#!/usr/bin/env node
// The linux-arm64 smoke run (scripts/arm64-smoke.sh sets it up). Two roles in one file:
//
//   node scripts/arm64-smoke.mjs <package-dir> <arm64 node command...>
//       on the host: runs the cases below under the arm64 Node (qemu-user), checks what they
//       report and, for the tether, kills the arm64 parent with SIGKILL and watches /proc.
//   <arm64 node> scripts/arm64-smoke.mjs --case <name> <package-dir>
//       under qemu: imports tethered from <package-dir> (its prebuilds/, no build/) and prints one
//       JSON line.
//
// qemu-user runs clone(CLONE_VM | CLONE_VFORK) as a plain fork, so the child's writes to the
// parent's memory (how a failed exec is reported) cannot be checked here; the children run the
// arm64 launch code (signals, fds via dup3, prctl, execve) through qemu's system call translation.
import { spawn as nodeSpawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const PDEATHSIG = fileURLToPath(new URL('../test/fixtures/pdeathsig.py', import.meta.url));
const TETHERED_SLEEP = '3017.75'; // unique durations: how this run finds its own children
const CONTROL_SLEEP = '3017.76';

/** Runs `command` with tethered's spawn; resolves with its exit code, signal and stdout. */
function collect(tethered, command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = tethered.spawn(command, args, options);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
}

/** spawnSync/execFileSync through the native sync runner: pipes, input, timeout, death signal. */
function syncReport(tethered) {
  const echo = tethered.spawnSync('sh', ['-c', 'cat; exit 3'], { input: 'in', encoding: 'utf8' });
  const timeout = tethered.spawnSync('sleep', ['5'], { timeout: 200 });
  return {
    capability: tethered.capabilities().sync,
    echo: { status: echo.status, stdout: echo.stdout },
    timeout: { signal: timeout.signal, code: timeout.error?.code },
    deathSignal: tethered.execFileSync('python3', [PDEATHSIG], { encoding: 'utf8' }).trim(),
  };
}

const cases = {
  /** What loads, what a child sees. */
  async report(dir, tethered) {
    const nodeGypBuild = createRequire(join(dir, 'package.json'))('node-gyp-build');
    const { deathSignal, pidfd, cloneVfork, tree, treeReason } = tethered.capabilities();
    return {
      tree: { tree, treeReason: treeReason ?? null },
      treeEcho: tree
        ? await collect(tethered, 'sh', ['-c', 'cat /proc/$PPID/comm; exit 5'], { tree: true })
        : null,
      arch: process.arch,
      addon: nodeGypBuild.resolve(dir).slice(dir.length + 1),
      capabilities: { deathSignal, pidfd, cloneVfork },
      echo: await collect(tethered, 'sh', ['-c', 'echo "hello from $0"; exit 3', 'arm64']),
      deathSignalDefault: (await collect(tethered, 'python3', [PDEATHSIG])).stdout.trim(),
      deathSignalUsr2: (
        await collect(tethered, 'python3', [PDEATHSIG], { deathSignal: 'SIGUSR2' })
      ).stdout.trim(),
      deathSignalNull: (
        await collect(tethered, 'python3', [PDEATHSIG], { deathSignal: null })
      ).stdout.trim(),
      sync: syncReport(tethered),
    };
  },
  /** A parent for the host to SIGKILL: one tethered child, one node:child_process control. */
  async parent(_dir, tethered) {
    const child = tethered.spawn('sleep', [TETHERED_SLEEP], { stdio: 'ignore' });
    const control = nodeSpawn('sleep', [CONTROL_SLEEP], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('spawn', resolve));
    setInterval(() => {}, 60_000); // stay alive until killed
    return { tethered: child.pid, control: control.pid };
  },
};

if (process.argv[2] === '--case') {
  const [, , , name, dir] = process.argv;
  const tethered = await import(pathToFileURL(join(dir, 'lib/index.js')).href);
  process.stdout.write(`${JSON.stringify(await cases[name](dir, tethered))}\n`);
} else {
  await host(process.argv[2], process.argv.slice(3));
}

/** State letter of a pid from /proc (undefined once it is gone); `Z` counts as dead. */
function procState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

function argvOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

async function host(dir, armNode) {
  const failures = [];
  const expect = (what, actual, expected) => {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    console.log(`arm64-smoke: ${ok ? 'ok  ' : 'FAIL'} ${what}: ${JSON.stringify(actual)}`);
    if (!ok) failures.push(`${what}: expected ${JSON.stringify(expected)}`);
  };
  const [command, ...prefix] = armNode;

  // Both prebuilds are in the layout: the host's Node must pick the other one.
  const hostAddon = createRequire(join(dir, 'package.json'))('node-gyp-build').resolve(dir);
  expect(
    'addon node-gyp-build picks on the x64 host',
    hostAddon.slice(dir.length + 1),
    'prebuilds/linux-x64/tethered.glibc.node',
  );

  /** The report case under qemu, with `env` added to (or, when undefined, removed from) ours. */
  const reportWith = (env) => {
    const merged = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
    const args = [...prefix, SELF, '--case', 'report', dir];
    const run = spawnSync(command, args, { encoding: 'utf8', env: merged });
    if (run.status !== 0) throw new Error(`the arm64 report failed:\n${run.stdout}${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  const echo = { code: 3, signal: null, stdout: 'hello from arm64\n' };

  const report = reportWith({ TETHERED_NO_PIDFD: undefined });
  expect('process.arch of the emulated Node', report.arch, 'arm64');
  expect('addon node-gyp-build picks', report.addon, 'prebuilds/linux-arm64/tethered.glibc.node');
  expect('capabilities', report.capabilities, { deathSignal: true, pidfd: true, cloneVfork: true });
  expect('spawn: exit code and stdout', report.echo, echo);
  // Tree mode. qemu-user (without binfmt_misc) cannot exec an arm64 program from the emulated
  // one, so the guardian's probe fails with ENOEXEC and tree children fall back to plain ones...
  expect('capabilities().tree under qemu-user', report.tree.tree, false);
  expect(
    'capabilities().treeReason says ENOEXEC',
    /memfd \(ENOEXEC\).*tethered-guardian cannot be executed \(ENOEXEC\)/.test(
      report.tree.treeReason,
    ),
    true,
  );
  // ...so run the arm64 guardian (prebuilds/linux-arm64/tethered-guardian) through qemu too. It
  // starts, parses its options and reaches prctl(PR_SET_CHILD_SUBREAPER), which qemu-user 7.2
  // refuses (EINVAL): the probe reports that, and tree children still fall back cleanly.
  const wrapper = join(dir, 'guardian-under-qemu.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${[command, ...prefix.slice(0, -1)].join(' ')} ${join(dir, 'prebuilds/linux-arm64/tethered-guardian')} "$@"\n`,
    { mode: 0o755 },
  );
  const treeReport = reportWith({ TETHERED_TEST_NO_MEMFD: '1', TETHERED_GUARDIAN_PATH: wrapper });
  const subreaper = /runs, but PR_SET_CHILD_SUBREAPER is not supported/.test(
    treeReport.tree.treeReason ?? '',
  );
  if (treeReport.tree.tree) {
    // An emulator that passes PR_SET_CHILD_SUBREAPER through runs the whole tree child.
    expect('the arm64 guardian: exit code, and the parent is the guardian', treeReport.treeEcho, {
      code: 5,
      signal: null,
      stdout: 'tethered-guard\n',
    });
  } else {
    expect(
      'the arm64 guardian under qemu runs its probe up to the subreaper prctl',
      subreaper,
      true,
    );
  }
  expect('PR_GET_PDEATHSIG in the child, default', report.deathSignalDefault, '15');
  expect("PR_GET_PDEATHSIG in the child, deathSignal 'SIGUSR2'", report.deathSignalUsr2, '12');
  expect('PR_GET_PDEATHSIG in the child, deathSignal null', report.deathSignalNull, '0');
  const sync = {
    capability: true,
    echo: { status: 3, stdout: 'in' },
    timeout: { signal: 'SIGTERM', code: 'ETIMEDOUT' },
    deathSignal: '15',
  };
  expect('spawnSync/execFileSync: input, exit code, timeout, PR_GET_PDEATHSIG', report.sync, sync);

  // Exits reaped by polling pids instead of through pidfds.
  const polled = reportWith({ TETHERED_NO_PIDFD: '1' });
  expect('TETHERED_NO_PIDFD=1: capabilities', polled.capabilities, {
    deathSignal: true,
    pidfd: false,
    cloneVfork: true,
  });
  expect('TETHERED_NO_PIDFD=1: spawn: exit code and stdout', polled.echo, echo);
  expect('TETHERED_NO_PIDFD=1: PR_GET_PDEATHSIG, default', polled.deathSignalDefault, '15');
  expect('TETHERED_NO_PIDFD=1: spawnSync/execFileSync', polled.sync, sync);

  // The tether for real: SIGKILL the arm64 parent; its tethered child must die, the control not.
  const parent = nodeSpawn(command, [...prefix, SELF, '--case', 'parent', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pids = { tethered: 0, control: 0 };
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      parent.on('exit', (code) => reject(new Error(`the arm64 parent exited early (${code})`)));
    });
    pids = JSON.parse(line);
    expect(
      'children run',
      [argvOf(pids.tethered)[1], argvOf(pids.control)[1]],
      [TETHERED_SLEEP, CONTROL_SLEEP],
    );
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!['Z', undefined].includes(procState(pids.tethered)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const tetheredState = procState(pids.tethered);
    const controlState = procState(pids.control);
    expect(
      'tethered child after SIGKILL of its parent: dead',
      [undefined, 'Z'].includes(tetheredState),
      true,
    );
    expect(
      'node:child_process control: still running',
      ![undefined, 'Z'].includes(controlState),
      true,
    );
  } finally {
    parent.kill('SIGKILL');
    // Only our own children: the pid must still run the unique duration it was started with.
    for (const [pid, marker] of [
      [pids.tethered, TETHERED_SLEEP],
      [pids.control, CONTROL_SLEEP],
    ]) {
      try {
        if (pid > 0 && argvOf(pid)[1] === marker) process.kill(pid, 'SIGKILL');
      } catch {
        // exited between the check and the kill
      }
    }
  }

  if (failures.length > 0) {
    console.error(`arm64-smoke: ${failures.length} failed`);
    process.exit(1);
  }
  console.log('arm64-smoke: all passed');
}
