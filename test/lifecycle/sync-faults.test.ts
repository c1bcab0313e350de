// The synchronous runner under faults: EMFILE (RLIMIT_NOFILE lowered) and EAGAIN (RLIMIT_NPROC
// lowered, as a non-root uid) give exactly Node's result and thrown error, the process keeps
// running, and the next call succeeds once the limit is lifted. Each runs in its own fixture
// process (test/fixtures/lifecycle/sync-faults.mjs).
import { describe, expect, it } from 'vitest';
import { isRoot, NOBODY, stageForNobody } from './as-nobody.js';
import { prlimit, softLimit } from './limits.js';
import { runFixture, type FixtureRun } from './run-fixture.js';

interface Attempts {
  node: Record<string, unknown>;
  tethered: Record<string, unknown>;
  nodeExecFile: Record<string, unknown>;
  tetheredExecFile: Record<string, unknown>;
}

async function underLowered(
  fixture: FixtureRun,
  lower: () => void,
  lift: () => void,
): Promise<{ faulted: Attempts & { fillers: number }; lifted: Attempts }> {
  expect(await fixture.next()).toEqual({ stage: 'ready' });
  lower();
  fixture.send('lowered');
  const faulted = await fixture.next<Attempts & { fillers: number }>();
  lift();
  fixture.send('lifted');
  const lifted = await fixture.next<Attempts>();
  expect(await fixture.ended).toEqual({ code: 0, signal: null });
  expect(fixture.stderr()).toBe('');
  return { faulted, lifted };
}

function expectSameAsNode(attempts: Attempts): void {
  expect(attempts.tethered).toEqual(attempts.node);
  expect(attempts.tetheredExecFile).toEqual(attempts.nodeExecFile);
}

describe.concurrent('sync faults', () => {
  it("EMFILE: spawnSync's result and execFileSync's error are Node's; the next call succeeds", async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'sync-faults.mjs', ['emfile']);
    const original = softLimit(fixture.pid, 'Max open files');
    const { faulted, lifted } = await underLowered(
      fixture,
      () => {
        prlimit([], fixture.pid, '--nofile=64:');
      },
      () => {
        prlimit([], fixture.pid, `--nofile=${original}:`);
      },
    );
    expect(faulted.fillers).toBeGreaterThan(0);
    expect(faulted.node).toMatchObject({ pid: false, error: { code: 'EMFILE', errno: -24 } });
    expectSameAsNode(faulted);
    expect(lifted.tethered).toMatchObject({ status: 0, pid: true });
    expectSameAsNode(lifted);
  });

  it("EAGAIN (RLIMIT_NPROC, non-root): spawnSync's result and execFileSync's error are Node's; the next call succeeds", async ({
    onTestFinished,
  }) => {
    const asUser = isRoot ? NOBODY : [];
    const staged = isRoot ? stageForNobody(onTestFinished, 'sync-faults.mjs') : undefined;
    const fixture = runFixture(onTestFinished, 'sync-faults.mjs', ['eagain'], {
      ...(staged ? { script: staged.script, node: staged.node } : {}),
      wrapper: asUser,
    });
    const original = softLimit(fixture.pid, 'Max processes');
    const { faulted, lifted } = await underLowered(
      fixture,
      () => {
        prlimit(asUser, fixture.pid, '--nproc=1:');
      },
      () => {
        prlimit(asUser, fixture.pid, `--nproc=${original}:`);
      },
    );
    expect(faulted.node).toMatchObject({ pid: false, error: { code: 'EAGAIN', errno: -11 } });
    expectSameAsNode(faulted);
    expect(lifted.tethered).toMatchObject({ status: 0, pid: true });
    expectSameAsNode(lifted);
  });
});
