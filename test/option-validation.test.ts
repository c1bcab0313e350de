// Validation of the options tethered adds: deathSignal is validated as Node validates killSignal
// (same errors, naming options.deathSignal where Node's names options.killSignal), 0 is refused
// with a pointer to null, requireTether as Node validates a boolean option; the stack of every
// such error starts at the caller's frame, whatever Node call tethered used to build it.
import * as nodeChildProcess from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tethered from '../lib/index.js';

const THIS_FILE = fileURLToPath(import.meta.url);

type Loose = (...args: unknown[]) => unknown;

function thrownBy(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('nothing was thrown');
}

/** What a user can compare: class, code, message, own keys, and the stack's header line. */
function shape(error: Error & { code?: string }): Record<string, unknown> {
  return {
    class: error.constructor.name,
    code: error.code,
    message: error.message,
    keys: Object.keys(error).sort(),
    header: error.stack?.slice(0, error.stack.indexOf(error.message) + error.message.length),
  };
}

/** The stack's frames: the first is the tethered function the user called, the next the user. */
function frames(error: Error): string[] {
  return (error.stack ?? '')
    .slice((error.stack ?? '').indexOf(error.message) + error.message.length)
    .split('\n')
    .filter((line) => line.trim().startsWith('at '));
}

/** What spawnAsync('true', [], options) rejects with. */
async function rejectionOf(options: object): Promise<Error & { code?: string }> {
  const spawnAsync = tethered.spawnAsync as (...args: unknown[]) => Promise<unknown>;
  try {
    await spawnAsync('true', [], options);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('spawnAsync resolved');
}

const ENTRY_POINTS: [string, (options: object) => unknown][] = [
  ['spawn', (o) => (tethered.spawn as Loose)('true', [], o)],
  ['exec', (o) => (tethered.exec as Loose)('true', o, () => undefined)],
  ['execFile', (o) => (tethered.execFile as Loose)('true', [], o, () => undefined)],
  ['fork', (o) => (tethered.fork as Loose)('./nothing.js', [], o)],
];

describe('deathSignal validation', () => {
  const cases: unknown[] = ['SIGFOO', 'sigfoo', 999, -1, 1.5, 'SIGRTMIN', {}, true, [], () => 1];
  for (const value of cases) {
    it(`deathSignal ${String(value)} throws what killSignal ${String(value)} throws, renamed`, () => {
      const node = thrownBy(() =>
        nodeChildProcess.spawn('true', [], { killSignal: value as NodeJS.Signals, env: {} }),
      );
      const expected = shape(node);
      expected['message'] = (expected['message'] as string).replace('killSignal', 'deathSignal');
      expected['header'] = (expected['header'] as string).replace('killSignal', 'deathSignal');
      for (const [name, call] of ENTRY_POINTS) {
        const error = thrownBy(() => call({ deathSignal: value }));
        expect(shape(error), name).toStrictEqual(expected);
        const [first, second] = frames(error);
        expect(first, name).toMatch(/\/(lib|src)\/child-process\.(js|ts):/);
        expect(second, name).toContain(THIS_FILE);
        expect(error.stack, name).not.toMatch(/spawnSync|ChildProcess\.kill|tethered-validation/);
      }
    });
  }

  it('deathSignal 0 says to use null', () => {
    for (const [name, call] of ENTRY_POINTS) {
      const error = thrownBy(() => call({ deathSignal: 0 }));
      expect(shape(error), name).toStrictEqual({
        class: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message:
          "The property 'options.deathSignal' must not be 0: use null for a child without a death signal. Received 0",
        keys: ['code'],
        header:
          "TypeError [ERR_INVALID_ARG_VALUE]: The property 'options.deathSignal' must not be 0: use null for a child without a death signal. Received 0",
      });
      expect(frames(error)[1], name).toContain(THIS_FILE);
    }
  });

  it('spawnAsync rejects with the same errors', async () => {
    for (const value of ['SIGFOO', {}, 0]) {
      const sync = shape(
        thrownBy(() => (tethered.spawn as Loose)('true', [], { deathSignal: value })),
      );
      const error = await rejectionOf({ deathSignal: value });
      expect(shape(error)).toStrictEqual(sync);
    }
  });
});

describe('requireTether validation', () => {
  for (const value of ['yes', 1, 0, {}, 'true']) {
    it(`requireTether ${JSON.stringify(value)} throws ERR_INVALID_ARG_TYPE like a boolean option`, async () => {
      const node = shape(
        thrownBy(() => nodeChildProcess.spawn('true', [], { detached: value as boolean, env: {} })),
      );
      const expected = {
        ...node,
        message: (node['message'] as string).replace('options.detached', 'options.requireTether'),
        header: (node['header'] as string).replace('options.detached', 'options.requireTether'),
      };
      expect(expected['message']).toContain(
        '"options.requireTether" property must be of type boolean',
      );
      for (const [name, call] of ENTRY_POINTS) {
        const error = thrownBy(() => call({ requireTether: value }));
        expect(shape(error), name).toStrictEqual(expected);
        expect(frames(error)[1], name).toContain(THIS_FILE);
        expect(error.stack, name).not.toContain('tethered-validation');
      }
      const rejected = await rejectionOf({ requireTether: value });
      expect(shape(rejected)).toStrictEqual(expected);
    });
  }

  it('requireTether true, false, null and undefined are accepted', async () => {
    for (const value of [true, false, null, undefined]) {
      const child = tethered.spawn('true', [], { requireTether: value as boolean });
      const code = await new Promise((resolve) => {
        child.on('exit', resolve);
      });
      expect(code).toBe(0);
    }
  });
});
