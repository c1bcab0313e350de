// Reading and changing another process's resource limits, and the fault fixtures' protocol around
// a lowered limit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FixtureRun } from './run-fixture.js';

/** The soft limit named `label` in /proc/<pid>/limits ('unlimited' stays a string). */
export function softLimit(pid: number, label: string): string {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(label));
  const soft = line?.slice(label.length).trim().split(/\s+/)[0];
  if (soft === undefined) throw new Error(`no "${label}" in /proc/${pid}/limits`);
  return soft;
}

/** Runs prlimit on `pid` (as `asUser`, which must be the fixture's own uid unless privileged). */
export function prlimit(asUser: string[], pid: number, setting: string): void {
  const [file, ...args] = [...asUser, 'prlimit', '--pid', String(pid), setting];
  execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const LABELS = { nofile: 'Max open files', nproc: 'Max processes' } as const;

/**
 * The lower → try → lift → try protocol of the fault fixtures (lifecycle/faults.mjs and
 * sync-faults.mjs): once the fixture is ready, its soft `limit` is lowered to `lowered` (prlimit
 * run as `asUser`) and it reports its attempts; the limit is restored and it reports again; then
 * it must end cleanly.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the reports' types, as in FixtureRun.next
export async function lowerTryLift<Faulted, Lifted = Faulted>(
  fixture: FixtureRun,
  limit: keyof typeof LABELS,
  lowered: number,
  asUser: string[] = [],
): Promise<{ faulted: Faulted; lifted: Lifted }> {
  const original = softLimit(fixture.pid, LABELS[limit]);
  expect(await fixture.next()).toEqual({ stage: 'ready' });
  prlimit(asUser, fixture.pid, `--${limit}=${lowered}:`);
  fixture.send('lowered');
  const faulted = await fixture.next<Faulted>();
  prlimit(asUser, fixture.pid, `--${limit}=${original}:`);
  fixture.send('lifted');
  const lifted = await fixture.next<Lifted>();
  expect(await fixture.ended).toEqual({ code: 0, signal: null });
  expect(fixture.stderr()).toBe('');
  return { faulted, lifted };
}
