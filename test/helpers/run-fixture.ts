// Runs a fixture process from test/fixtures/lifecycle through node:child_process (untethered) and
// reads the JSON lines it prints. Fault-injection knobs are read once per process by the addon, so
// every fault gets a fresh fixture process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fixturePath } from './fixtures.js';
import { killQuietly } from './proc.js';

export interface FixtureRun {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves with the next JSON line the fixture prints (rejects if it ends first). */
  next<T = Record<string, unknown>>(): Promise<T>;
  /** Writes one line to the fixture's stdin. */
  send(line: string): void;
  /** Resolves when the fixture has exited. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export interface FixtureOptions {
  /** Extra environment variables (on top of this process's environment). */
  env?: Record<string, string | undefined>;
  /** Run `node` through this command prefix (e.g. setpriv ...). */
  wrapper?: string[];
  /** Use this script path instead of the fixture directory's. */
  script?: string;
  /** Use this Node binary instead of the running one. */
  node?: string;
}

/**
 * Starts `node <fixture> ...args`; it is killed (by pid) when the test ends. `onTestFinished` must
 * be the one from the test's own context: the global one cannot tell concurrent tests apart.
 */
export function runFixture(
  onTestFinished: (fn: () => void) => void,
  name: string,
  args: string[] = [],
  options: FixtureOptions = {},
): FixtureRun {
  const script = options.script ?? fixturePath(`lifecycle/${name}`);
  const command = [...(options.wrapper ?? []), options.node ?? process.execPath, script, ...args];
  const [file, ...rest] = command as [string, ...string[]];
  const env = Object.fromEntries(
    Object.entries({ ...process.env, ...options.env }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const child = spawn(file, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start fixture ${name}`);
  const pid = child.pid;
  let closed = false;
  onTestFinished(() => {
    killQuietly(child);
  });

  const lines: string[] = [];
  const waiters: ((line: string | undefined) => void)[] = [];
  let buffered = '';
  let errText = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (errText += chunk));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      closed = true;
      for (const waiter of waiters.splice(0)) waiter(undefined);
      resolve({ code, signal });
    });
  });
  child.stdin.on('error', () => {
    // the fixture may have ended; its exit status tells why
  });

  return {
    process: child,
    pid,
    ended,
    stderr: () => errText,
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    next<T>() {
      return new Promise<T>((resolve, reject) => {
        const take = (line: string | undefined): void => {
          if (line === undefined) {
            reject(new Error(`fixture ${name} ended before printing a line; stderr:\n${errText}`));
            return;
          }
          try {
            resolve(JSON.parse(line) as T);
          } catch {
            reject(new Error(`fixture ${name} printed a non-JSON line: ${line}`));
          }
        };
        const line = lines.shift();
        if (line !== undefined) take(line);
        else if (closed) take(undefined);
        else waiters.push(take);
      });
    },
  };
}
