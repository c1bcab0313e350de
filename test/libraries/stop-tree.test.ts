// Libraries on top of killDescendants, with the tree default of register({ tree: true }) and no
// change to the library: execa's `timeout`, and an agent host on the official MCP SDK
// (examples/mcp-host) whose servers run behind `npx` and `sh -c` and ignore stdin's EOF. Each runs
// in its own Node process beside the same program on plain node:child_process (the control, which
// must leave the processes running); what is left is read from /proc while that process still
// runs.
import * as node from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive, killQuietly, parentPid, waitFor } from '../helpers/proc.js';
import { marked, uniqueMarker } from '../tree/tree-procs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXECA_TIMEOUT = fileURLToPath(new URL('./fixtures/execa-timeout.mjs', import.meta.url));
const MCP_HOST = fileURLToPath(new URL('../../examples/mcp-host/host.mjs', import.meta.url));

/** A Node program whose stdout carries one JSON object per line. */
interface Program {
  child: node.ChildProcess;
  lines: Record<string, unknown>[];
  /** The first line with `key`, once it has been printed. */
  line(key: string): Promise<Record<string, unknown>>;
}

function run(args: string[], onTestFinished: (fn: () => void) => void): Program {
  const child = node.spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    killQuietly(child);
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>);
      buffered = buffered.slice(nl + 1);
    }
  });
  const line = async (key: string): Promise<Record<string, unknown>> => {
    const found = (): Record<string, unknown> | undefined =>
      lines.find((l) => key in l || l['event'] === key);
    // A bound, not a figure: a passing run never reaches it (two hosts start four servers through
    // npx at once while the rest of the suite loads both cores).
    expect(await waitFor(() => found() !== undefined, 120_000, 20)).toBe(true);
    return found() ?? {};
  };
  return { child, lines, line };
}

/** Live processes carrying `marker` in their argv, but for `except` (the program itself). */
function left(marker: string, except: number | undefined): number[] {
  return marked(marker)
    .filter((p) => p.state !== 'Z' && p.pid !== except && p.argv[0] !== 'tethered-guardian')
    .map((p) => p.pid);
}

function cleanup(marker: string, onTestFinished: (fn: () => void) => void): void {
  onTestFinished(() => {
    for (const pid of left(marker, undefined)) killQuietly(pid);
  });
}

/** The MCP servers (the node processes behind npx and sh) of the host run under `marker`. */
function servers(marker: string): number[] {
  return marked(marker)
    .filter((p) => p.state !== 'Z' && /(server\.mjs|example-mcp-server)$/.test(p.argv[1] ?? ''))
    .map((p) => p.pid);
}

/** Whether `ancestor` is a parent, grandparent... of `pid`. */
function descendsFrom(pid: number, ancestor: number): boolean {
  let at: number | undefined = pid;
  for (let depth = 0; at !== undefined && at > 1 && depth < 20; depth++) {
    if (at === ancestor) return true;
    at = parentPid(at);
  }
  return false;
}

describe.concurrent('under register({ tree: true })', { timeout: 300_000 }, () => {
  it("execa's timeout rejects with nothing left (control: the promise waits for the sleeps)", async ({
    onTestFinished,
  }) => {
    const marker = uniqueMarker();
    const controlMarker = uniqueMarker();
    cleanup(marker, onTestFinished);
    cleanup(controlMarker, onTestFinished);
    const tethered = run([EXECA_TIMEOUT, marker, 'register'], onTestFinished);
    const control = run([EXECA_TIMEOUT, controlMarker, 'plain'], onTestFinished);

    expect(await tethered.line('rejected')).toMatchObject({ timedOut: true });
    expect(await waitFor(() => left(marker, tethered.child.pid).length === 0, 20_000, 50)).toBe(
      true,
    );
    expect(isAlive(tethered.child.pid ?? 0)).toBe(true);

    expect(await control.line('exit')).toMatchObject({ signal: 'SIGTERM' });
    // The promise can only settle once the sleeps closed the pipes: both still run.
    expect(left(controlMarker, control.child.pid).length).toBe(2);
    expect(control.lines.some((l) => l['event'] === 'rejected')).toBe(false);
    for (const pid of left(controlMarker, control.child.pid)) killQuietly(pid);
    expect(await control.line('rejected')).toMatchObject({ timedOut: true });
  });

  describe('an MCP host on the official SDK (examples/mcp-host), servers behind npx and sh -c', () => {
    /** Starts the host; checks that both servers answered and run behind npx and sh. */
    async function startHost(
      marker: string,
      untethered: boolean,
      onTestFinished: (fn: () => void) => void,
    ): Promise<Program> {
      cleanup(marker, onTestFinished);
      const host = run([MCP_HOST, marker, ...(untethered ? ['--untethered'] : [])], onTestFinished);
      const { started } = (await host.line('started')) as {
        started: Record<'npx' | 'sh', { pid: number; answer: string }>;
      };
      expect(started.npx.answer).toBe('pong');
      expect(started.sh.answer).toBe('pong');
      const running = servers(marker);
      expect(running.length).toBe(2);
      // One server below the npx process, the other below the sh, neither the direct child.
      for (const direct of [started.npx.pid, started.sh.pid]) {
        expect(running.filter((pid) => pid !== direct && descendsFrom(pid, direct)).length).toBe(1);
      }
      return host;
    }

    it('client.close(): no server process remains (control: both servers left running)', async ({
      onTestFinished,
    }) => {
      const marker = uniqueMarker();
      const controlMarker = uniqueMarker();
      const [host, control] = await Promise.all([
        startHost(marker, false, onTestFinished),
        startHost(controlMarker, true, onTestFinished),
      ]);
      host.child.stdin?.write('close\n');
      control.child.stdin?.write('close\n');
      await Promise.all([host.line('closed'), control.line('closed')]);
      expect(await waitFor(() => left(marker, host.child.pid).length === 0, 20_000, 50)).toBe(true);
      expect(isAlive(host.child.pid ?? 0)).toBe(true);
      expect(servers(controlMarker).length).toBe(2);
    });

    it('the host SIGKILLed: no server process remains (control: both servers left running)', async ({
      onTestFinished,
    }) => {
      const marker = uniqueMarker();
      const controlMarker = uniqueMarker();
      const [host, control] = await Promise.all([
        startHost(marker, false, onTestFinished),
        startHost(controlMarker, true, onTestFinished),
      ]);
      for (const { child } of [host, control]) child.kill('SIGKILL');
      expect(await waitFor(() => left(marker, undefined).length === 0, 20_000, 50)).toBe(true);
      expect(await waitFor(() => !isAlive(control.child.pid ?? 0), 20_000, 50)).toBe(true);
      expect(servers(controlMarker).length).toBe(2);
    });
  });
});
