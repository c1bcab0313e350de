// Where the fixtures live, and running one (untethered, through node:child_process) for the JSON
// report it prints on stdout.
import { execFile, type ExecFileOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The path of `name` under test/fixtures (e.g. 'lifecycle/faults.mjs'). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/**
 * Runs `file args` (by default `node args`) to its end and resolves with its stdout parsed as
 * JSON; rejects with the error and the stderr when it fails.
 */
export function fixtureReport<T = Record<string, unknown>>(
  args: readonly string[],
  options: ExecFileOptions = {},
  file: string = process.execPath,
): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}
