// kill() return values and validation, timeout + killSignal, AbortSignal before and after spawn,
// Symbol.dispose, ref/unref.
import { getEventListeners, once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { attempt, type LooseCall, type Run, type Scenario } from '../harness.js';

/** Blocks the JS thread until `path` exists (bounded: throws after 20 s). */
function waitForFileSync(path: string): void {
  const deadline = Date.now() + 20_000;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    Atomics.wait(cell, 0, 0, 2);
  }
}

/** Arguments for a child that prints 'ready' once it traps SIGTERM and SIGUSR1 (see fixture). */
function trapsSignals(run: Run): [string, string[]] {
  return ['python3', [join(run.fixtures, 'traps-signals.py')]];
}

export const signals: readonly Scenario[] = [
  {
    name: 'kill() sends SIGTERM: returns true, killed, signalCode',
    run: async (run) => {
      const child = run.api.spawn('sleep', ['30']);
      const record = run.observe(child);
      return { returned: child.kill(), killedNow: child.killed, record: await record };
    },
  },
  {
    name: "kill('sigkill') accepts a lower-case name",
    run: async (run) => {
      const child = run.api.spawn('sleep', ['30']);
      const record = run.observe(child);
      return { returned: child.kill('sigkill' as NodeJS.Signals), record: await record };
    },
  },
  {
    name: 'kill(9) accepts a number',
    run: async (run) => {
      const child = run.api.spawn('sleep', ['30']);
      const record = run.observe(child);
      return { returned: child.kill(9), record: await record };
    },
  },
  {
    name: 'kill(0) on a live child returns true and sets killed',
    run: async (run) => {
      const child = run.api.spawn('sleep', ['30']);
      const record = run.observe(child);
      const zero = child.kill(0);
      const killedAfterZero = child.killed;
      return { zero, killedAfterZero, term: child.kill(), record: await record };
    },
  },
  {
    name: 'kill() with unknown signals throws before signalling',
    run: async (run) => {
      const child = run.api.spawn('sleep', ['30']);
      const record = run.observe(child);
      const kill = child.kill.bind(child) as unknown as LooseCall;
      const thrown = ['SIGFOO', 999, -1, 1.5, null, {}, 'SIGRTMIN'].map((signal) =>
        attempt(() => kill(signal)),
      );
      return { thrown, killedBefore: child.killed, term: child.kill(), record: await record };
    },
  },
  {
    name: "kill() inside 'exit' and after 'close' returns false",
    run: async (run) => {
      const child = run.api.spawn('sh', ['-c', 'exit 0']);
      const record = run.observe(child);
      let inExit: boolean | undefined;
      child.on('exit', () => (inExit = child.kill()));
      const result = await record;
      return { inExit, afterClose: child.kill(), killed: child.killed, record: result };
    },
  },
  {
    name: 'death by a signal the child sends itself: exit and close report it',
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'kill -USR1 $$'])),
  },
  {
    name: 'a child that traps SIGTERM: kill() is true, killed, exit 0',
    run: async (run) => {
      const child = run.api.spawn(...trapsSignals(run));
      const record = run.observe(child);
      await once(child.stdout, 'data');
      return { returned: child.kill(), record: await record };
    },
  },
  {
    name: 'timeout kills with SIGTERM, no error',
    run: (run) => run.observe(run.api.spawn('sleep', ['30'], { timeout: 50 })),
  },
  {
    name: 'timeout with killSignal SIGKILL',
    run: (run) =>
      run.observe(run.api.spawn('sleep', ['30'], { timeout: 50, killSignal: 'SIGKILL' })),
  },
  {
    name: 'timeout with a numeric killSignal',
    run: (run) => run.observe(run.api.spawn('sleep', ['30'], { timeout: 50, killSignal: 2 })),
  },
  {
    name: 'timeout against a child that traps SIGTERM: no escalation',
    run: (run) => {
      const [file, args] = trapsSignals(run);
      // A relative path, so that spawnargs are the same on both sides.
      const options = { timeout: 100, cwd: run.dir };
      const record = run.observe(run.api.spawn(file, [...args, 'ready'], options));
      // Node starts the timeout inside spawn(); its callback cannot run while this blocks, so
      // SIGTERM arrives only after the child trapped it.
      waitForFileSync(join(run.dir, 'ready'));
      return record;
    },
  },
  {
    name: 'timeout 0 means no timeout',
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'sleep 0.1; echo done'], { timeout: 0 })),
  },
  {
    name: 'AbortSignal aborted after spawn: AbortError, SIGTERM',
    run: async (run) => {
      const controller = new AbortController();
      const child = run.api.spawn('sleep', ['30'], { signal: controller.signal });
      const record = run.observe(child);
      await once(child, 'spawn');
      controller.abort();
      return record;
    },
  },
  {
    name: 'AbortSignal with a reason and killSignal SIGKILL',
    run: async (run) => {
      const controller = new AbortController();
      const child = run.api.spawn('sleep', ['30'], {
        signal: controller.signal,
        killSignal: 'SIGKILL',
      });
      const record = run.observe(child);
      await once(child, 'spawn');
      controller.abort(new Error('my reason'));
      return record;
    },
  },
  {
    name: 'AbortSignal already aborted: the child is spawned, then killed',
    run: (run) => run.observe(run.api.spawn('sleep', ['30'], { signal: AbortSignal.abort() })),
  },
  {
    name: 'AbortSignal aborted after exit: nothing emitted, listener removed',
    run: async (run) => {
      const controller = new AbortController();
      const child = run.api.spawn('true', { signal: controller.signal });
      const record = await run.observe(child);
      controller.abort();
      await new Promise((resolve) => setImmediate(resolve));
      return { listeners: getEventListeners(controller.signal, 'abort').length, record };
    },
  },
  {
    name: 'AbortSignal aborted on a failed spawn: no AbortError',
    run: async (run) => {
      const controller = new AbortController();
      const child = run.api.spawn('no-such-cmd-tethered', { signal: controller.signal });
      const record = run.observe(child);
      child.on('error', () => {
        controller.abort();
      });
      return record;
    },
  },
  {
    name: 'Symbol.dispose kills with SIGTERM',
    run: async (run) => {
      const child = run.api.spawn('sleep', ['30']);
      const record = run.observe(child);
      child[Symbol.dispose]();
      return { killed: child.killed, record: await record };
    },
  },
  {
    name: 'Symbol.dispose after kill() does not signal again',
    run: async (run) => {
      const child = run.api.spawn(...trapsSignals(run));
      const record = run.observe(child);
      await once(child.stdout, 'data'); // 'ready'
      const first = child.kill('SIGUSR1');
      await once(child.stdout, 'data'); // 'usr1'
      child[Symbol.dispose](); // killed is already true: no SIGTERM, so no 'term' line
      child.stdin.end('quit\n');
      return { first, record: await record };
    },
  },
  {
    name: 'unref() then ref() leaves events unchanged',
    run: async (run) => {
      const child = run.api.spawn('sh', ['-c', 'sleep 0.1; echo done']);
      child.unref();
      child.ref();
      return run.observe(child);
    },
  },
];
