// Faults: EMFILE (RLIMIT_NOFILE lowered), EAGAIN (RLIMIT_NPROC lowered, as a non-root
// uid), the spawner thread failing to start, and mmap failing for the clone stack. Each gives
// Node's error shape for that errno (compared with node:child_process under the same limit, or with
// Node's own ChildProcess over a handle that returns the errno), the process keeps running, and
// spawns succeed once the limit is lifted or the knob unset. Each fault runs in its own fixture
// process (test/fixtures/lifecycle/faults.mjs).
import { describe, expect, it } from 'vitest';
import { nonRootRun } from '../helpers/as-nobody.js';
import { lowerTryLift } from '../helpers/limits.js';
import { runFixture } from '../helpers/run-fixture.js';

const NO_PIDFD = process.env['TETHERED_NO_PIDFD'] === '1';

interface ErrorShape {
  name: string;
  message: string;
  code: string;
  errno: number;
  syscall: string;
  path?: string;
  spawnargs?: string[];
}

type Outcome =
  | { outcome: 'spawned'; code: number; signal: null }
  | { outcome: 'thrown' | 'rejected'; error: ErrorShape }
  | {
      outcome: 'error event';
      error: ErrorShape;
      pid: null;
      stdout: 'null' | 'undefined' | 'stream';
      close: [number, null];
    };

interface Attempts {
  tetheredPipes: Outcome;
  tetheredIgnore: Outcome;
  tetheredAsync: Outcome;
  node: Outcome;
}

interface CapabilitiesReport {
  deathSignal: boolean;
  fallbackReason?: string;
}

type Faulted = Attempts & {
  stage: 'faulted';
  fillers: number;
  capabilitiesFaulted: CapabilitiesReport;
};
type Lifted = Attempts & { stage: 'lifted'; capabilities: CapabilitiesReport };

const SPAWNED = { outcome: 'spawned', code: 0, signal: null };
const ALL_SPAWNED = {
  tetheredPipes: SPAWNED,
  tetheredIgnore: SPAWNED,
  tetheredAsync: SPAWNED,
  node: SPAWNED,
};

function attemptsOf(report: Attempts): Attempts {
  const { tetheredPipes, tetheredIgnore, tetheredAsync, node } = report;
  return { tetheredPipes, tetheredIgnore, tetheredAsync, node };
}

describe.concurrent('faults', () => {
  it.for([
    ['the spawner thread runs', 'warm'],
    ['the addon is loaded, the spawner thread not started', 'cold'],
    ['the addon is not loaded yet', 'unloaded'],
  ] as const)(
    "EMFILE (RLIMIT_NOFILE lowered; %s): Node's error shape, the process keeps running, spawns succeed once the limit is lifted",
    async ([, variant], { onTestFinished }) => {
      const fixture = runFixture(onTestFinished, 'faults.mjs', ['emfile', variant]);
      const { faulted, lifted } = await lowerTryLift<Faulted, Lifted>(fixture, 'nofile', 64);
      expect(faulted.fillers).toBeGreaterThan(0);
      expect(faulted.node).toMatchObject({ outcome: 'error event', error: { code: 'EMFILE' } });
      expect(faulted.tetheredPipes).toEqual(faulted.node);
      expect(faulted.tetheredAsync).toEqual({
        outcome: 'rejected',
        error: (faulted.node as { error: ErrorShape }).error,
      });
      if (NO_PIDFD && variant === 'warm') {
        // Without pidfds, a running spawner needs no new fd for a child without pipes.
        expect(faulted.tetheredIgnore).toEqual(SPAWNED);
      } else {
        expect(faulted.tetheredIgnore).toEqual(faulted.node);
      }
      if (variant === 'warm') {
        expect(faulted.capabilitiesFaulted.deathSignal).toBe(true);
      } else {
        expect(faulted.capabilitiesFaulted.deathSignal).toBe(false);
        expect(faulted.capabilitiesFaulted.fallbackReason).toMatch(
          variant === 'cold'
            ? /spawner thread could not be started \(EMFILE\)/
            : /too many open files/,
        );
      }
      expect(attemptsOf(lifted)).toEqual(ALL_SPAWNED);
      expect(lifted.capabilities.deathSignal).toBe(true);
    },
  );

  it("EAGAIN (RLIMIT_NPROC lowered, as a non-root uid): Node's error shape, the process keeps running, spawns succeed once the limit is lifted", async ({
    onTestFinished,
  }) => {
    // As root the fixture runs as uid 65534 (root is exempt from RLIMIT_NPROC); prlimit runs as
    // the fixture's own uid, which may raise a soft limit back up to the hard one.
    const run = nonRootRun(onTestFinished, 'faults.mjs');
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['eagain'], {
      ...run,
    });
    const { faulted, lifted } = await lowerTryLift<Faulted, Lifted>(
      fixture,
      'nproc',
      1,
      run.wrapper,
    );
    expect(faulted.node).toMatchObject({
      outcome: 'error event',
      error: { code: 'EAGAIN' },
      stdout: 'stream',
    });
    expect(faulted.tetheredPipes).toEqual(faulted.node);
    expect(faulted.tetheredIgnore).toEqual({ ...faulted.node, stdout: 'null' });
    expect(faulted.tetheredAsync).toEqual({
      outcome: 'rejected',
      error: (faulted.node as { error: ErrorShape }).error,
    });
    expect(faulted.capabilitiesFaulted.deathSignal).toBe(true);
    expect(attemptsOf(lifted)).toEqual(ALL_SPAWNED);
  });

  interface KnobReport {
    nodeReference: Outcome;
    faulted: Attempts;
    capabilitiesFaulted: CapabilitiesReport;
    fdsBefore: string[];
    fdsFaulted: string[];
    lifted: Attempts;
    capabilities: CapabilitiesReport;
  }

  it("spawner thread creation fails (TETHERED_TEST_FAIL_THREAD_START=1): Node's EAGAIN shape, no fd leaked, spawns succeed once the knob is unset", async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['thread-start'], {
      env: { TETHERED_TEST_FAIL_THREAD_START: '1' },
    });
    const report = await fixture.next<KnobReport>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(report.nodeReference).toMatchObject({
      outcome: 'error event',
      error: { code: 'EAGAIN', errno: -11 },
      stdout: 'null',
    });
    expect(report.faulted.tetheredIgnore).toEqual(report.nodeReference);
    expect(report.faulted.tetheredPipes).toEqual({ ...report.nodeReference, stdout: 'stream' });
    expect(report.faulted.tetheredAsync).toEqual({
      outcome: 'rejected',
      error: (report.nodeReference as { error: ErrorShape }).error,
    });
    expect(report.fdsFaulted).toEqual(report.fdsBefore);
    expect(report.capabilitiesFaulted).toMatchObject({
      deathSignal: false,
      fallbackReason: 'the spawner thread could not be started (EAGAIN)',
    });
    expect(report.lifted).toEqual(ALL_SPAWNED);
    expect(report.capabilities.deathSignal).toBe(true);
  });

  it("mmap of the clone stack fails (TETHERED_TEST_FAIL_STACK_MMAP=1): Node's ENOMEM shape (thrown), no fd leaked, spawns succeed once the knob is unset", async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['stack-mmap'], {
      env: { TETHERED_TEST_FAIL_STACK_MMAP: '1' },
    });
    const report = await fixture.next<KnobReport>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(report.nodeReference).toEqual({
      outcome: 'thrown',
      error: {
        name: 'Error',
        message: 'spawn ENOMEM',
        code: 'ENOMEM',
        errno: -12,
        syscall: 'spawn',
      },
    });
    expect(report.faulted.tetheredIgnore).toEqual(report.nodeReference);
    expect(report.faulted.tetheredPipes).toEqual(report.nodeReference);
    expect(report.faulted.tetheredAsync).toEqual({ ...report.nodeReference, outcome: 'rejected' });
    expect(report.fdsFaulted).toEqual(report.fdsBefore);
    expect(report.lifted).toEqual(ALL_SPAWNED);
    expect(report.capabilities.deathSignal).toBe(true);
  });
});
