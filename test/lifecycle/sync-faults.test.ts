// The synchronous runner under faults: EMFILE (RLIMIT_NOFILE lowered) and EAGAIN (RLIMIT_NPROC
// lowered, as a non-root uid) give exactly Node's result and thrown error, the process keeps
// running, and the next call succeeds once the limit is lifted. Each runs in its own fixture
// process (test/fixtures/lifecycle/sync-faults.mjs).
import { describe, expect, it } from 'vitest';
import { nonRootRun } from '../helpers/as-nobody.js';
import { lowerTryLift } from '../helpers/limits.js';
import { runFixture } from '../helpers/run-fixture.js';

interface Attempts {
  node: Record<string, unknown>;
  tethered: Record<string, unknown>;
  nodeExecFile: Record<string, unknown>;
  tetheredExecFile: Record<string, unknown>;
}

type Faulted = Attempts & { fillers: number };

function expectSameAsNode(attempts: Attempts): void {
  expect(attempts.tethered).toEqual(attempts.node);
  expect(attempts.tetheredExecFile).toEqual(attempts.nodeExecFile);
}

describe.concurrent('sync faults', () => {
  it("EMFILE: spawnSync's result and execFileSync's error are Node's; the next call succeeds", async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'sync-faults.mjs', ['emfile']);
    const { faulted, lifted } = await lowerTryLift<Faulted, Attempts>(fixture, 'nofile', 64);
    expect(faulted.fillers).toBeGreaterThan(0);
    expect(faulted.node).toMatchObject({ pid: false, error: { code: 'EMFILE', errno: -24 } });
    expectSameAsNode(faulted);
    expect(lifted.tethered).toMatchObject({ status: 0, pid: true });
    expectSameAsNode(lifted);
  });

  it("EAGAIN (RLIMIT_NPROC, non-root): spawnSync's result and execFileSync's error are Node's; the next call succeeds", async ({
    onTestFinished,
  }) => {
    const run = nonRootRun(onTestFinished, 'sync-faults.mjs');
    const fixture = runFixture(onTestFinished, 'sync-faults.mjs', ['eagain'], {
      ...run,
    });
    const { faulted, lifted } = await lowerTryLift<Faulted, Attempts>(
      fixture,
      'nproc',
      1,
      run.wrapper,
    );
    expect(faulted.node).toMatchObject({ pid: false, error: { code: 'EAGAIN', errno: -11 } });
    expectSameAsNode(faulted);
    expect(lifted.tethered).toMatchObject({ status: 0, pid: true });
    expectSameAsNode(lifted);
  });
});
