// The addon's argument decoder: a wrongly typed argument from src/ is a programming error and
// throws a TypeError naming it, where the old readers turned it into an empty list and spawned.
import { describe, expect, it } from 'vitest';
import type { LaunchArgs } from '../lib/binding.js';
import { binding, launchArgs } from './fixtures/raw-binding.cjs';

const launch = (args: unknown): LaunchArgs => launchArgs('/bin/sh', args);
const sync = (args: unknown): ReturnType<typeof binding.spawnSync> =>
  binding.spawnSync(...launch(args), Int32Array.of(-1, -1, -1), [], 0, 0, 15, 0, false);

describe('the binding rejects misuse loudly', () => {
  it('spawnSync with args that are not an array of strings throws ERR_INVALID_ARG_TYPE naming args', () => {
    for (const bad of ['sh -c "exit 3"', ['sh', 7], undefined]) {
      expect(() => sync(bad)).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_TYPE',
          message: 'tethered binding: args must be an array of strings',
        }),
      );
    }
  });

  it('control: the same call with an array of strings runs the child', () => {
    const result = sync(['sh', '-c', 'exit 3']);
    expect(typeof result === 'number' ? result : result.slice(0, 1).concat(result[2])).toEqual([
      0, 3,
    ]);
  });

  it('spawn with an input that is not a Uint8Array (spawnSync) or fds that are not an Int32Array (spawn) throws', () => {
    expect(() =>
      binding.spawnSync(
        ...launch(['cat']),
        Int32Array.of(1, 2, -1),
        [new Uint16Array(2) as unknown as Uint8Array],
        0,
        0,
        15,
        0,
        false,
      ),
    ).toThrow('tethered binding: inputs must be an array of Uint8Arrays or undefined');
    const args = launch(['true']);
    args[4] = [-1, -1, -1] as unknown as Int32Array;
    expect(() => binding.spawn(...args, new Int32Array(0), 0)).toThrow(
      'tethered binding: fds must be an Int32Array',
    );
  });
});
