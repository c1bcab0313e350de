// What `npm test` rebuilds before a run (scripts/build-stale.mjs, called by global-setup.ts),
// checked on scratch trees whose file times are set explicitly.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildStale, staleAddon, staleTypeScript } from '../scripts/build-stale.mjs';

let root: string;

/** Writes `path` under the scratch root with modification time `seconds` after the epoch. */
function file(path: string, seconds: number, text = ''): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, seconds, seconds);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tethered-build-stale-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('staleTypeScript', () => {
  it('is undefined when every compiled file is newer than its source and the tsconfigs', () => {
    file('tsconfig.json', 100);
    file('src/index.ts', 100);
    file('src/tree/kill.ts', 100);
    file('lib/index.js', 200);
    file('lib/tree/kill.js', 200);
    expect(staleTypeScript(root)).toBeUndefined();
  });

  it('names a source newer than its compiled file, at any depth', () => {
    file('src/index.ts', 100);
    file('src/tree/kill.ts', 300);
    file('lib/index.js', 200);
    file('lib/tree/kill.js', 200);
    expect(staleTypeScript(root)).toBe('src/tree/kill.ts is newer than lib/');
  });

  it('names a source without a compiled file', () => {
    file('src/index.ts', 100);
    file('src/options.ts', 100);
    file('lib/index.js', 200);
    expect(staleTypeScript(root)).toBe('lib/options.js is missing');
  });

  it('names a tsconfig newer than the oldest compiled file', () => {
    file('src/index.ts', 100);
    file('lib/index.js', 200);
    file('tsconfig.build.json', 300);
    expect(staleTypeScript(root)).toBe('tsconfig.build.json is newer than lib/');
  });
});

describe('staleAddon', () => {
  it('is undefined when the built addon is newer than native/ and binding.gyp', () => {
    file('binding.gyp', 100);
    file('native/addon.cc', 100);
    file('native/guardian/guardian.cc', 100);
    file('build/Release/tethered.node', 200);
    expect(staleAddon(root)).toBeUndefined();
  });

  it('names a native file newer than the addon, however deep under native/', () => {
    file('binding.gyp', 100);
    file('native/addon.cc', 100);
    file('native/guardian/guardian.cc', 300);
    file('build/Release/tethered.node', 200);
    expect(staleAddon(root)).toBe('native/guardian/guardian.cc is newer than the addon');
  });

  it('names binding.gyp when it is newer than the addon', () => {
    file('binding.gyp', 300);
    file('native/addon.cc', 100);
    file('build/Release/tethered.node', 200);
    expect(staleAddon(root)).toBe('binding.gyp is newer than the addon');
  });

  it('compares with the prebuild for this platform when nothing is built locally', () => {
    file('native/addon.cc', 300);
    file(`prebuilds/${process.platform}-${process.arch}/tethered.glibc.node`, 200);
    expect(staleAddon(root)).toBe('native/addon.cc is newer than the addon');
    file(`prebuilds/${process.platform}-${process.arch}/tethered.glibc.node`, 400);
    expect(staleAddon(root)).toBeUndefined();
  });

  it('says so when there is no addon at all', () => {
    file('native/addon.cc', 100);
    expect(staleAddon(root)).toBe('the addon is not built');
  });
});

describe('buildStale', () => {
  it('builds nothing when nothing is stale', () => {
    file('src/index.ts', 100);
    file('lib/index.js', 200);
    file('native/addon.cc', 100);
    file('build/Release/tethered.node', 200);
    const lines: string[] = [];
    buildStale(root, (line) => lines.push(line));
    expect(lines).toEqual([]);
  });

  it('fails with what is stale and how to build it when the addon cannot be built', () => {
    // The scratch tree has no binding.gyp, so node-gyp fails as it does without a toolchain.
    file('native/addon.cc', 300);
    file('build/Release/tethered.node', 200);
    const lines: string[] = [];
    expect(() => {
      buildStale(root, (line) => lines.push(line));
    }).toThrow(
      /native\/addon\.cc is newer than the addon\) and could not be built; install a C\+\+ toolchain/,
    );
    expect(lines).toEqual(['[build] native/addon.cc is newer than the addon: node-gyp rebuild']);
  });

  it('fails with the compiler output when the TypeScript does not compile', () => {
    file('tsconfig.build.json', 100, '{ "compilerOptions": { "outDir": "lib", "types": [] } }');
    file('src/index.ts', 300, "export const count: number = 'one';\n");
    file('lib/index.js', 200);
    file('build/Release/tethered.node', 200);
    expect(() => {
      buildStale(root, () => undefined);
    }).toThrow(/tsconfig\.build\.json.*failed.*TS2322/s);
  });
});
