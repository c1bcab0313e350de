// Runs one synchronous scenario through node:child_process and through tethered and records the
// whole observable result: the spawnSync result object (keys in order, status, signal, pid
// presence, every output slot as bytes, error fields) or the value/thrown error of
// execSync/execFileSync. Also counts calls into the native sync runner, so a tethered run that
// silently fell back to Node's runner fails.
import * as nodeChildProcess from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindingState, type NativeBinding } from '../../lib/binding.js';
import * as tethered from '../../lib/index.js';
import { errorFields } from './harness.js';

export interface SyncApi {
  readonly spawnSync: typeof nodeChildProcess.spawnSync;
  readonly execSync: typeof nodeChildProcess.execSync;
  readonly execFileSync: typeof nodeChildProcess.execFileSync;
}

export interface SyncContext {
  readonly api: SyncApi;
  readonly side: 'node' | 'tethered';
  /** A scratch directory of this side (written as `<dir>` in outputs). */
  readonly dir: string;
}

export interface SyncScenario {
  readonly name: string;
  /** False for scenarios that fail in Node's validation, before the native call. */
  readonly reachesRunner?: boolean;
  readonly run: (ctx: SyncContext) => unknown;
}

let runnerCalls = 0;
const native = bindingState().binding;
if (native !== undefined) {
  const original = native.spawnSync.bind(native);
  native.spawnSync = (...args: Parameters<NativeBinding['spawnSync']>) => {
    runnerCalls++;
    return original(...args);
  };
}

/** Bytes (or a string) as something short and exact: hex up to 256 bytes, else length + hash. */
export function bytes(value: unknown, dir?: string): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') {
    const text = dir === undefined ? value : value.replaceAll(dir, '<dir>');
    return text.length <= 256 ? { string: text } : { stringLength: text.length, sha: sha(text) };
  }
  if (Buffer.isBuffer(value)) {
    const text = value.toString('latin1');
    const normal = Buffer.from(dir === undefined ? text : text.replaceAll(dir, '<dir>'), 'latin1');
    return normal.length <= 256
      ? { hex: normal.toString('hex') }
      : { length: normal.length, sha: sha(normal) };
  }
  return { unexpected: typeof value };
}

function sha(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** Every field of a thrown error, with the sync-specific ones (status, output, pid). */
function thrownFields(error: unknown, dir: string): Record<string, unknown> {
  const fields = errorFields(error);
  const e = error as Record<string, unknown>;
  for (const key of ['stdout', 'stderr']) {
    if (key in fields) fields[key] = bytes(e[key], dir);
  }
  if (typeof fields['message'] === 'string') {
    fields['message'] = fields['message'].replaceAll(dir, '<dir>');
  }
  if ('status' in e) fields['status'] = e['status'];
  if ('output' in e) fields['output'] = outputOf(e['output'], dir);
  if ('pid' in e) fields['pid'] = typeof e['pid'] === 'number' ? e['pid'] > 0 : e['pid'];
  if (e['error'] !== undefined) fields['error'] = errorFields(e['error']);
  return fields;
}

function outputOf(output: unknown, dir: string): unknown {
  return Array.isArray(output) ? output.map((slot) => bytes(slot, dir)) : output;
}

/** The whole spawnSync result, comparable between the two sides. */
export function resultRecord(result: nodeChildProcess.SpawnSyncReturns<unknown>, dir: string) {
  return {
    keys: Object.keys(result),
    pid: typeof result.pid === 'number' ? result.pid > 0 : result.pid,
    status: result.status,
    signal: result.signal,
    output: outputOf(result.output, dir),
    stdout: bytes(result.stdout, dir),
    stderr: bytes(result.stderr, dir),
    error: result.error === undefined ? undefined : thrownFields(result.error, dir),
  };
}

/** The value `call` returns (as bytes) or every field of what it throws. */
export function outcome(call: () => unknown, dir: string): unknown {
  try {
    const value = call();
    return typeof value === 'object' && value !== null && !Buffer.isBuffer(value)
      ? { value: resultRecord(value as nodeChildProcess.SpawnSyncReturns<unknown>, dir) }
      : { value: bytes(value, dir) };
  } catch (error) {
    return { thrown: thrownFields(error, dir) };
  }
}

const APIS = { node: nodeChildProcess, tethered } as const;

function runSide(side: 'node' | 'tethered', scenario: SyncScenario) {
  const dir = mkdtempSync(join(tmpdir(), `tethered-sync-${side}-`));
  const before = runnerCalls;
  try {
    const raw = scenario.run({ api: APIS[side], side, dir });
    // Paths under the scratch directory (in spawnargs, messages, cmd) differ between the sides.
    const record: unknown =
      raw === undefined ? raw : JSON.parse(JSON.stringify(raw).replaceAll(dir, '<dir>'));
    return { record, calls: runnerCalls - before };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Defines one test per scenario: both sides must record the same, tethered via the runner. */
export function defineSyncParity(title: string, scenarios: readonly SyncScenario[]): void {
  describe(title, () => {
    for (const scenario of scenarios) {
      it(scenario.name, () => {
        const node = runSide('node', scenario);
        const ours = runSide('tethered', scenario);
        expect(ours.record).toEqual(node.record);
        expect(node.calls, 'node:child_process must not reach the tethered runner').toBe(0);
        if (scenario.reachesRunner === false) {
          expect(ours.calls).toBe(0);
        } else {
          expect(ours.calls, 'the tethered run must go through the native sync runner').toBe(1);
        }
      });
    }
  });
}
