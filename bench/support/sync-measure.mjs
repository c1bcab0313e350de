// Section (7): the synchronous functions, called back to back until the time is up. The JS thread
// is blocked for the whole call in both implementations, so the rate is the whole story.
import { performance } from 'node:perf_hooks';
import { sampleOthers } from './machine.mjs';

const ONE_MIB = 1024 * 1024;

/** The calls measured: key -> what one call does with an implementation's functions. */
export const SYNC_CALLS = {
  'execFileSync-true': {
    label: "execFileSync('/bin/true')",
    call: (api) => api.execFileSync('/bin/true'),
  },
  'spawnSync-1mb': {
    label: 'spawnSync, 1 MiB of stdout',
    call: (api) => {
      const result = api.spawnSync('head', ['-c', String(ONE_MIB), '/dev/zero'], {
        maxBuffer: 2 * ONE_MIB,
      });
      if (result.stdout.length !== ONE_MIB) throw new Error('spawnSync lost output');
    },
  },
};

/** Calls `SYNC_CALLS[key]` with `api` until `durationMs` has passed; returns the rate. */
export function syncSequential(api, key, durationMs) {
  const { call } = SYNC_CALLS[key];
  const others = sampleOthers();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  let count = 0;
  while (performance.now() < deadline) {
    call(api);
    count++;
  }
  return { rate: (count * 1000) / (performance.now() - t0), count, others: others.end() };
}
