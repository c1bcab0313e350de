// Running a fixture as uid 65534 ("nobody"): RLIMIT_NPROC does not apply to root, and a process
// without CAP_KILL reports canSignalOtherUids: false. The checkout may live where uid 65534 cannot
// read (e.g. under /root), so the fixture runs from a world-readable copy of what it needs.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath } from './fixtures.js';

export const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
export const isRoot = process.getuid?.() === 0;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** True if every directory on the way to `path` is world-searchable and `path` world-readable. */
function worldReachable(path: string): boolean {
  for (let p = dirname(path); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === dirname(p)) break;
  }
  return (statSync(path).mode & 0o005) === 0o005;
}

/**
 * A world-readable copy of lib/, the addon, node-gyp-build, test/fixtures/pdeathsig.py and the
 * named lifecycle fixture (plus Node itself if uid 65534 cannot reach it), removed when the test
 * ends. Returns the fixture's path in the copy and the Node binary to run it with.
 */
export function stageForNobody(
  onTestFinished: (fn: () => void) => void,
  fixture: string,
): { script: string; node: string } {
  const stage = mkdtempSync(join(tmpdir(), 'tethered-nobody-'));
  onTestFinished(() => {
    rmSync(stage, { recursive: true, force: true });
  });
  chmodSync(stage, 0o755);
  const copy = (path: string): void => {
    if (existsSync(join(ROOT, path))) {
      cpSync(join(ROOT, path), join(stage, path), { recursive: true });
    }
  };
  for (const path of [
    'package.json',
    'lib',
    'build/Release/tethered.node',
    'prebuilds',
    'node_modules/node-gyp-build',
    'test/fixtures/pdeathsig.py',
  ]) {
    copy(path);
  }
  const script = join(stage, 'test/fixtures/lifecycle', fixture);
  cpSync(fixturePath(`lifecycle/${fixture}`), script);
  let node = process.execPath;
  if (!worldReachable(node)) {
    node = join(stage, 'node');
    cpSync(process.execPath, node);
  }
  execFileSync('chmod', ['-R', 'a+rX', stage]);
  return { script, node };
}

/**
 * Options that run lifecycle fixture `fixture` as a non-root uid: as root, as uid 65534 from a
 * staged copy; otherwise as this uid. `wrapper` also runs prlimit as that same uid.
 */
export function nonRootRun(
  onTestFinished: (fn: () => void) => void,
  fixture: string,
): { wrapper: string[]; script?: string; node?: string } {
  return isRoot ? { ...stageForNobody(onTestFinished, fixture), wrapper: NOBODY } : { wrapper: [] };
}
