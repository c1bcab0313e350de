// Resource faults in tree mode (TETHERED_DEFAULTS='{"tree":true}' makes every tethered spawn of the faults fixture a
// tree spawn): EMFILE and EAGAIN give exactly Node's error shapes, the process keeps running, and
// tree spawns succeed (tree mode still on) once the limit is lifted.
import { describe, expect, it } from 'vitest';
import { nonRootRun } from '../helpers/as-nobody.js';
import { lowerTryLift } from '../helpers/limits.js';
import { runFixture } from '../helpers/run-fixture.js';

type Report = Record<string, unknown> & {
  tetheredPipes: unknown;
  tetheredIgnore: unknown;
  tetheredAsync: unknown;
  node: { error?: unknown };
  capabilities?: { tree: boolean; deathSignal: boolean };
};

const SPAWNED = { outcome: 'spawned', code: 0, signal: null };

describe.concurrent('tree mode under resource faults', () => {
  it("EMFILE: Node's error shape for every entry point; tree spawns work again once lifted", async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['emfile', 'warm'], {
      env: { TETHERED_DEFAULTS: '{"tree":true}' },
    });
    const { faulted, lifted } = await lowerTryLift<Report>(fixture, 'nofile', 64);
    expect(faulted.node).toMatchObject({ outcome: 'error event', error: { code: 'EMFILE' } });
    expect(faulted.tetheredPipes).toEqual(faulted.node);
    // A tree spawn needs a control socket even without pipes.
    expect(faulted.tetheredIgnore).toEqual(faulted.node);
    expect(faulted.tetheredAsync).toEqual({ outcome: 'rejected', error: faulted.node.error });
    expect(lifted.tetheredPipes).toEqual(SPAWNED);
    expect(lifted.tetheredIgnore).toEqual(SPAWNED);
    expect(lifted.tetheredAsync).toEqual(SPAWNED);
    expect(lifted.capabilities?.tree).toBe(true);
  });

  it("EAGAIN (RLIMIT_NPROC, as a non-root uid): Node's error shape; tree spawns work again once lifted", async ({
    onTestFinished,
  }) => {
    const run = nonRootRun(onTestFinished, 'faults.mjs');
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['eagain'], {
      ...run,
      env: { TETHERED_DEFAULTS: '{"tree":true}' },
    });
    const { faulted, lifted } = await lowerTryLift<Report>(fixture, 'nproc', 1, run.wrapper);
    expect(faulted.node).toMatchObject({ outcome: 'error event', error: { code: 'EAGAIN' } });
    expect(faulted.tetheredPipes).toEqual(faulted.node);
    expect(faulted.tetheredIgnore).toEqual({ ...(faulted.node as object), stdout: 'null' });
    expect(faulted.tetheredAsync).toEqual({ outcome: 'rejected', error: faulted.node.error });
    expect(lifted.tetheredPipes).toEqual(SPAWNED);
    expect(lifted.capabilities?.tree).toBe(true);
  });
});
