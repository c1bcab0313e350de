// Reading and changing another process's resource limits, for the fault tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
