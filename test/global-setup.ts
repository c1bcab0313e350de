// Builds what is stale (lib/ from src/, the addon from native/) before any test runs, so a run
// never tests an old build; fails the run with the compiler's output when a build fails. Then
// lets every test's `python3` start the interpreter itself rather than a version manager's shim.
import { spawnSync } from 'node:child_process';
import { dirname, delimiter } from 'node:path';
import { buildStale } from '../scripts/build-stale.mjs';

/**
 * Puts the directory of the interpreter that `python3` runs first on PATH. A version manager's
 * shim (pyenv's is a bash script that starts several more) costs a `python3` child several times
 * what the interpreter does, and the suite starts hundreds; the interpreter is the same one.
 * The test workers start after global setup and inherit this environment.
 */
function skipPythonShim(): void {
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  });
  const executable = found.status === 0 ? found.stdout.trim() : '';
  if (executable === '') return; // no python3: the tests that need it say so
  process.env['PATH'] = `${dirname(executable)}${delimiter}${process.env['PATH'] ?? ''}`;
}

export default function setup(): void {
  buildStale();
  skipPythonShim();
}
