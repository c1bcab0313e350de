// The clone->prctl window: with TETHERED_TEST_PAUSE_BEFORE_PRCTL_MS the child pauses
// between clone and prctl(PR_SET_PDEATHSIG); its parent process is SIGKILLed inside that pause.
// The child must still die (after prctl it sees getppid() != the saved parent pid and signals
// itself). 1,000 trials, one fixture parent each (a process dies once), many at a time.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { isAlive, killQuietly, waitFor, watch } from '../helpers/proc.js';
import { fixturePath } from '../helpers/fixtures.js';
import { processName } from '../helpers/proc-counts.js';

const TRIALS = 1000;
const CONTROLS = 5;
const PARALLEL = 32;
const PAUSE_MS = 1000;
const SIGTERM = 15;

interface Trial {
  child: number;
  /** The child's comm just before the parent was killed: 'tethered-spawn' = not exec'd yet. */
  comm: string;
}

/** Starts one fixture parent; resolves with what it printed once it has been SIGKILLed. */
function runTrial(deathSignal: number, onTestFinished: (fn: () => void) => void): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const parent = spawn(
      process.execPath,
      [fixturePath('lifecycle/window-parent.cjs'), String(deathSignal)],
      {
        env: { ...process.env, TETHERED_TEST_PAUSE_BEFORE_PRCTL_MS: String(PAUSE_MS) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    onTestFinished(() => {
      killQuietly(parent);
    });
    let out = '';
    let err = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    parent.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    parent.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`fixture parent ended with ${code}/${signal}: ${err}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as Trial);
      } catch {
        reject(new Error(`fixture parent printed ${JSON.stringify(out)}; stderr: ${err}`));
      }
    });
  });
}

it('parent SIGKILLed between clone and prctl, 1,000 times: no child survives', async ({
  onTestFinished,
}) => {
  const children: number[] = [];
  onTestFinished(() => {
    for (const child of children) killQuietly(child);
  });
  const trials: Trial[] = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < TRIALS) {
      next++;
      const trial = await runTrial(SIGTERM, onTestFinished);
      children.push(watch(trial.child));
      trials.push(trial);
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, lane));

  expect(trials.length).toBe(TRIALS);
  // Every kill landed while the child had not exec'd yet: it was still in the pause before prctl.
  expect(trials.filter((trial) => trial.comm !== 'tethered-spawn')).toEqual([]);
  // Each child ends by its own hand once the pause is over; none ever runs `sleep`.
  const allDead = await waitFor(
    () => children.every((child) => !isAlive(child)),
    PAUSE_MS + 20_000,
    50,
  );
  const survivors = children.filter((child) => isAlive(child));
  expect(survivors).toEqual([]);
  expect(allDead).toBe(true);
}, 600_000);

it('control: an untethered child (deathSignal 0) in the same window survives its SIGKILLed parent and runs', async ({
  onTestFinished,
}) => {
  const trials = await Promise.all(
    Array.from({ length: CONTROLS }, () => runTrial(0, onTestFinished)),
  );
  const children = trials.map((trial) => watch(trial.child));
  onTestFinished(() => {
    for (const child of children) killQuietly(child);
  });
  expect(trials.map((trial) => trial.comm)).toEqual(Array(CONTROLS).fill('tethered-spawn'));
  const execd = await waitFor(
    () => children.every((child) => processName(child) === 'sleep'),
    PAUSE_MS + 10_000,
    20,
  );
  expect(children.map((child) => processName(child))).toEqual(Array(CONTROLS).fill('sleep'));
  expect(execd).toBe(true);
  for (const child of children) killQuietly(child);
});
