// Large, cheap process trees for tree-mode tests: test/fixtures/tree/swarm.c, compiled once per
// test file, and a parent process (spawn-parent.mjs) to kill.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killQuietly, processGroup } from '../helpers/proc.js';
import { liveTree } from './tree-procs.js';

const SOURCE = fileURLToPath(new URL('../fixtures/tree/swarm.c', import.meta.url));
const PARENT = fileURLToPath(new URL('../fixtures/tree/spawn-parent.mjs', import.meta.url));

/** A scratch directory with the compiled fixture (`bin`); `remove()` deletes it. */
export function buildSwarm(): { bin: string; dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tethered-swarm-'));
  const bin = join(dir, 'swarm');
  execFileSync('cc', ['-O2', '-o', bin, SOURCE], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    bin,
    dir,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How many times each pid appears in a swarm log (one line per SIGTERM received). */
export function deliveries(log: string): Map<number, number> {
  const counts = new Map<number, number>();
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // no signal yet
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
  }
  return counts;
}

/**
 * Ends whatever is left of a test's tree: the fixture's own process group (it leads one) while a
 * process carrying the marker is still in it (so the group id cannot have been reused), then
 * anything still carrying the marker.
 */
export function endTree(marker: string, group: number | undefined): void {
  if (group !== undefined && liveTree(marker).some((pid) => processGroup(pid) === group)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const pid of liveTree(marker)) killQuietly(pid);
}

/** The fixture parent: test/fixtures/tree/spawn-parent.mjs. */
export const PARENT_SCRIPT = PARENT;

/**
 * Starts spawn-parent.mjs with `file args options` (optionally through a wrapper command, with
 * another Node binary or a staged copy of the script); resolves with it and the command's pid.
 */
export async function startParent(
  spec: { file: string; args: string[]; options: Record<string, unknown> },
  spawnOptions: { detached?: boolean; wrapper?: string[]; node?: string; script?: string } = {},
): Promise<{ parent: ChildProcessByStdio<null, Readable, Readable>; pid: number }> {
  const command = [
    ...(spawnOptions.wrapper ?? []),
    spawnOptions.node ?? process.execPath,
    spawnOptions.script ?? PARENT,
    JSON.stringify(spec),
  ];
  const [file, ...args] = command as [string, ...string[]];
  const parent = spawn(file, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: spawnOptions.detached === true,
  });
  let out = '';
  let err = '';
  parent.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve((JSON.parse(out) as { pid: number }).pid);
    });
    parent.on('exit', () => {
      reject(new Error(`fixture parent exited early: ${out} ${err}`));
    });
  });
  return { parent, pid };
}
