// Everyday spawns: output bytes, exit codes, stdin, argument forms.
import { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LooseCall, Scenario } from '../harness.js';

/** 1 MiB of fixed pseudo-random bytes (xorshift32, fixed seed): every byte value occurs. */
const MIB_OF_NOISE = (() => {
  const bytes = Buffer.alloc(1024 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
})();

/** Arguments ToString cannot convert, shared by both sides so that their records compare. */
const UNCONVERTIBLE_ARGS = [Symbol('b'), { toString: () => ({}) }];

export const basics: readonly Scenario[] = [
  {
    name: 'stdout and stderr bytes and exit code 3',
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'echo out; echo err >&2; exit 3'])),
  },
  {
    name: 'exit code 255 and no output',
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'exit 255'])),
  },
  {
    name: 'exit codes 0, 1 and 42',
    run: async (run) => {
      const records = [];
      for (const code of [0, 1, 42]) {
        records.push(await run.observe(run.api.spawn('sh', ['-c', `exit ${String(code)}`])));
      }
      return records;
    },
  },
  {
    name: '1 MiB holding every byte value through cat: stdin reaches stdout unchanged',
    run: async (run) => {
      const input = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        MIB_OF_NOISE,
      ]);
      const child = run.api.spawn('cat');
      const record = run.observe(child);
      child.stdin.end(input);
      const result = await record;
      const unchanged = result.streams['1'] === input.toString('latin1');
      // The bytes are compared above; the record keeps their length only.
      result.streams['1'] = String(result.streams['1']?.length);
      return { unchanged, record: result };
    },
  },
  {
    name: 'stdin written and ended reaches the child',
    run: async (run) => {
      const child = run.api.spawn('cat');
      const record = run.observe(child);
      const wrote = child.stdin.write('hello ');
      child.stdin.end('world\n');
      return { wrote, record: await record };
    },
  },
  {
    name: 'spawn(file) with no arguments',
    run: (run) => run.observe(run.api.spawn('true')),
  },
  {
    name: 'spawn(file, options) without an args array',
    run: (run) => run.observe(run.api.spawn('pwd', { cwd: '/' })),
  },
  {
    name: 'args null and undefined are taken as []',
    run: async (run) => {
      const loose = run.api.spawn as LooseCall;
      return [
        await run.observe(loose('echo', null)),
        await run.observe(loose('echo', undefined, { cwd: '/' })),
      ];
    },
  },
  {
    name: 'non-string args reach the child as strings',
    run: (run) => run.observe((run.api.spawn as LooseCall)('echo', [1, { a: 1 }, null, true])),
  },
  {
    // Node 20 throws ToString's error; Node 22 and later pass an empty string.
    name: 'args ToString cannot convert (a Symbol, a throwing toString): as this Node does',
    run: async (run) => {
      const results: unknown[] = [];
      for (const arg of UNCONVERTIBLE_ARGS) {
        try {
          results.push(await run.observe((run.api.spawn as LooseCall)('echo', ['a', arg])));
        } catch (error) {
          results.push({ threw: String(error) });
        }
      }
      return results;
    },
  },
  {
    name: '1 MiB of stdout and stderr arrives intact',
    run: async (run) => {
      // The same bytes on both sides, so the two records compare byte for byte.
      writeFileSync(join(run.dir, 'data'), MIB_OF_NOISE);
      const child = run.api.spawn('sh', ['-c', 'cat data; cat data >&2'], { cwd: run.dir });
      const record = await run.observe(child);
      const expected = MIB_OF_NOISE.toString('latin1');
      return {
        intact: record.streams['1'] === expected && record.streams['2'] === expected,
        record,
      };
    },
  },
  {
    name: 'binary bytes on stdout are not transcoded',
    run: (run) => run.observe(run.api.spawn('printf', ['\\000\\001\\377\\376\\200'])),
  },
  {
    name: "a grandchild holding stdout delays 'close' after 'exit'",
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'sleep 0.3 & echo hi'])),
  },
  {
    name: 'the child is an instance of ChildProcess',
    run: async (run) => {
      const child = run.api.spawn('true');
      const isInstance = child instanceof ChildProcess;
      return { isInstance, record: await run.observe(child) };
    },
  },
  {
    name: 'stdin of a child that reads everything (wc -c of 100000 bytes)',
    run: async (run) => {
      const child = run.api.spawn('wc', ['-c']);
      const record = run.observe(child);
      child.stdin.end(Buffer.alloc(100_000, 'x'));
      return record;
    },
  },
];
