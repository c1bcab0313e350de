// Resource faults in tree mode (TETHERED_DEFAULTS='{"tree":true}' makes every tethered spawn of the faults fixture a
// tree spawn): EMFILE and EAGAIN give exactly Node's error shapes, the process keeps running, and
// tree spawns succeed (tree mode still on) once the limit is lifted.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRoot, NOBODY, stageForNobody } from '../lifecycle/as-nobody.js';
import { runFixture, type FixtureRun } from '../lifecycle/run-fixture.js';

type Report = Record<string, unknown> & {
  tetheredPipes: unknown;
  tetheredIgnore: unknown;
  tetheredAsync: unknown;
  node: { error?: unknown };
  capabilities?: { tree: boolean; deathSignal: boolean };
};

const SPAWNED = { outcome: 'spawned', code: 0, signal: null };

function softLimit(pid: number, label: string): string {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(label));
  return line?.slice(label.length).trim().split(/\s+/)[0] ?? '';
}

function prlimit(asUser: string[], pid: number, setting: string): void {
  const [file, ...args] = [...asUser, 'prlimit', '--pid', String(pid), setting];
  execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function lowerTryLift(
  fixture: FixtureRun,
  lower: () => void,
  lift: () => void,
): Promise<{ faulted: Report; lifted: Report }> {
  expect(await fixture.next()).toEqual({ stage: 'ready' });
  lower();
  fixture.send('lowered');
  const faulted = await fixture.next<Report>();
  lift();
  fixture.send('lifted');
  const lifted = await fixture.next<Report>();
  expect(await fixture.ended).toEqual({ code: 0, signal: null });
  expect(fixture.stderr()).toBe('');
  return { faulted, lifted };
}

describe.concurrent('tree mode under resource faults', () => {
  it("EMFILE: Node's error shape for every entry point; tree spawns work again once lifted", async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['emfile', 'warm'], {
      env: { TETHERED_DEFAULTS: '{"tree":true}' },
    });
    const original = softLimit(fixture.pid, 'Max open files');
    const { faulted, lifted } = await lowerTryLift(
      fixture,
      () => {
        prlimit([], fixture.pid, '--nofile=64:');
      },
      () => {
        prlimit([], fixture.pid, `--nofile=${original}:`);
      },
    );
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
    const asUser = isRoot ? NOBODY : [];
    const staged = isRoot ? stageForNobody(onTestFinished, 'faults.mjs') : undefined;
    const fixture = runFixture(onTestFinished, 'faults.mjs', ['eagain'], {
      ...(staged ? { script: staged.script, node: staged.node } : {}),
      wrapper: asUser,
      env: { TETHERED_DEFAULTS: '{"tree":true}' },
    });
    const original = softLimit(fixture.pid, 'Max processes');
    const { faulted, lifted } = await lowerTryLift(
      fixture,
      () => {
        prlimit(asUser, fixture.pid, '--nproc=1:');
      },
      () => {
        prlimit(asUser, fixture.pid, `--nproc=${original}:`);
      },
    );
    expect(faulted.node).toMatchObject({ outcome: 'error event', error: { code: 'EAGAIN' } });
    expect(faulted.tetheredPipes).toEqual(faulted.node);
    expect(faulted.tetheredIgnore).toEqual({ ...(faulted.node as object), stdout: 'null' });
    expect(faulted.tetheredAsync).toEqual({ outcome: 'rejected', error: faulted.node.error });
    expect(lifted.tetheredPipes).toEqual(SPAWNED);
    expect(lifted.capabilities?.tree).toBe(true);
  });
});
