// capabilities(): what it reports matches what happens to a child, in the normal mode and
// under each forced fallback (TETHERED_NO_PIDFD=1, TETHERED_FORCE_FALLBACK=1,
// TETHERED_TEST_FAIL_THREAD_START=1), and canSignalOtherUids follows CAP_KILL.
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isRoot, NOBODY, stageForNobody } from '../helpers/as-nobody.js';
import { runFixture } from '../helpers/run-fixture.js';

interface Report {
  capabilities: {
    deathSignal: boolean;
    pidfd: boolean;
    cloneVfork: boolean;
    fallbackReason?: string;
    sync: boolean;
    syncFallbackReason?: string;
    canSignalOtherUids: boolean;
    notes: string[];
  };
  capEff: string;
  /** What a tethered child reported as its PR_GET_PDEATHSIG, or why it could not be spawned. */
  child: { pdeathsig: number } | { error: string };
  /** The same for a child of spawnSync. */
  syncChild: { pdeathsig: number } | { error: string };
}

const CAP_KILL = 5n;
const NO_PIDFD = process.env['TETHERED_NO_PIDFD'] === '1';
const SIGTERM = 15;
/** pidfd_open arrived in Linux 5.3. */
const KERNEL_HAS_PIDFD = ((): boolean => {
  const [major = 0, minor = 0] = release()
    .split('.')
    .map((part) => parseInt(part, 10));
  return major > 5 || (major === 5 && minor >= 3);
})();

/** Environment for the fixture: this process's, with the tethered knobs set or cleared. */
function knobs(set: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    TETHERED_NO_PIDFD: undefined,
    TETHERED_FORCE_FALLBACK: undefined,
    TETHERED_TEST_FAIL_THREAD_START: undefined,
    ...set,
  };
}

describe.concurrent('capabilities()', () => {
  it('normal mode: tethered, pidfds (Linux >= 5.3), clone(CLONE_VM|CLONE_VFORK), and a child armed with SIGTERM', async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'capabilities.mjs', [], { env: knobs({}) });
    const report = await fixture.next<Report>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(report.capabilities).toEqual({
      deathSignal: true,
      pidfd: KERNEL_HAS_PIDFD,
      cloneVfork: true,
      tree: true,
      ...(KERNEL_HAS_PIDFD ? {} : { fallbackReason: 'pidfd_open is not available (Linux < 5.3)' }),
      sync: true,
      canSignalOtherUids: (BigInt(`0x${report.capEff}`) & (1n << CAP_KILL)) !== 0n,
      notes: expect.arrayContaining([
        expect.stringMatching(/set-user-ID.*file-capability/),
      ]) as unknown,
    });
    expect(report.child).toEqual({ pdeathsig: SIGTERM });
    expect(report.syncChild).toEqual({ pdeathsig: SIGTERM });
  });

  it('TETHERED_NO_PIDFD=1: still tethered, exits polled by pid, and says why', async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'capabilities.mjs', [], {
      env: knobs({ TETHERED_NO_PIDFD: '1' }),
    });
    const report = await fixture.next<Report>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(report.capabilities).toMatchObject({
      deathSignal: true,
      pidfd: false,
      cloneVfork: true,
      fallbackReason: 'TETHERED_NO_PIDFD=1 forces polling by pid',
      sync: true,
    });
    expect(report.child).toEqual({ pdeathsig: SIGTERM });
    expect(report.syncChild).toEqual({ pdeathsig: SIGTERM });
  });

  it('TETHERED_FORCE_FALLBACK=1: not tethered, says why, and the child indeed has no death signal', async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'capabilities.mjs', [], {
      env: knobs({ TETHERED_FORCE_FALLBACK: '1' }),
    });
    const report = await fixture.next<Report>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(report.capabilities).toMatchObject({
      deathSignal: false,
      pidfd: false,
      cloneVfork: false,
      fallbackReason: 'TETHERED_FORCE_FALLBACK=1 disables the native addon',
      sync: false,
      syncFallbackReason: 'TETHERED_FORCE_FALLBACK=1 disables the native addon',
    });
    expect(report.child).toEqual({ pdeathsig: 0 });
    expect(report.syncChild).toEqual({ pdeathsig: 0 });
  });

  it('TETHERED_TEST_FAIL_THREAD_START=1: not tethered, names the errno, and spawns fail with it', async ({
    onTestFinished,
  }) => {
    const fixture = runFixture(onTestFinished, 'capabilities.mjs', [], {
      env: knobs({
        TETHERED_TEST_FAIL_THREAD_START: '1',
        TETHERED_NO_PIDFD: process.env['TETHERED_NO_PIDFD'],
      }),
    });
    const report = await fixture.next<Report>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(report.capabilities).toMatchObject({
      deathSignal: false,
      pidfd: false,
      cloneVfork: false,
      fallbackReason: 'the spawner thread could not be started (EAGAIN)',
      sync: false,
      syncFallbackReason: 'the spawner thread could not be started (EAGAIN)',
    });
    expect(report.child).toEqual({ error: 'EAGAIN' });
    expect(report.syncChild).toEqual({ error: 'EAGAIN' });
  });

  it('canSignalOtherUids is false without CAP_KILL (uid 65534)', async ({ onTestFinished }) => {
    const staged = isRoot ? stageForNobody(onTestFinished, 'capabilities.mjs') : undefined;
    const fixture = runFixture(onTestFinished, 'capabilities.mjs', [], {
      env: knobs({ TETHERED_NO_PIDFD: process.env['TETHERED_NO_PIDFD'] }),
      wrapper: isRoot ? NOBODY : [],
      ...(staged ? { script: staged.script, node: staged.node } : {}),
    });
    const report = await fixture.next<Report>();
    expect(await fixture.ended).toEqual({ code: 0, signal: null });
    expect(BigInt(`0x${report.capEff}`) & (1n << CAP_KILL)).toBe(0n);
    expect(report.capabilities).toMatchObject({
      deathSignal: true,
      pidfd: KERNEL_HAS_PIDFD && !NO_PIDFD,
      canSignalOtherUids: false,
    });
    expect(report.child).toEqual({ pdeathsig: SIGTERM });
  });
});
