// README truth: every ```js block of README.md runs as written, as an ES module in a scratch
// project whose `tethered` is this package (lib/ and the built addon), and exits 0 without
// printing to stderr. The capabilities() sample's comments are checked against what it prints as
// root and as an unprivileged user (uid 65534). Every `npm run` script and every repository file
// that README.md and CONTRIBUTING.md name exists.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { isRoot, NOBODY, stageForNobody } from './helpers/as-nobody.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DOCUMENTS = ['README.md', 'CONTRIBUTING.md'].map((name) => ({
  name,
  text: readFileSync(join(ROOT, name), 'utf8'),
}));
const SCRIPTS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** The ```js blocks of the README, with the line each starts on. */
const samples = [...README.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => ({
  code: match[1] ?? '',
  line: README.slice(0, match.index).split('\n').length,
}));

/** The environment a reader has: none of tethered's test knobs or defaults. */
function readerEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('TETHERED_')),
  );
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSample(node: string, file: string, wrapper: string[] = []): Promise<Result> {
  const [command, ...args] = wrapper.length > 0 ? [...wrapper, node, file] : [node, file];
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: dirname(file), env: readerEnv(), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let project = '';
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'tethered-readme-'));
  execFileSync('mkdir', [join(project, 'node_modules')]);
  symlinkSync(ROOT, join(project, 'node_modules/tethered'), 'dir');
  // The module the fork sample starts, doing what the sample's comment says.
  writeFileSync(join(project, 'worker.js'), "process.on('message', () => process.exit());\n");
  writeFileSync(join(project, 'package.json'), '{"private":true}\n');
});
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe.each(DOCUMENTS)('$name', ({ text }) => {
  it('names only npm scripts that package.json defines', () => {
    const named = [...text.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1] ?? '');
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !(name in SCRIPTS))).toEqual([]);
  });

  it('names only repository files that exist', () => {
    const paths = [
      ...text.matchAll(/(?<![\w/.-])((?:scripts|test|docs|bench|native|src|\.ci)\/[\w./-]*\w)/g),
    ].map((match) => match[1] ?? '');
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });
});

describe('README.md', () => {
  it('has js samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(7);
  });

  it.each(samples)('the sample at line $line runs as written', async ({ code, line }) => {
    const file = join(project, `sample-${String(line)}.mjs`);
    writeFileSync(file, code);
    const result = await runSample(process.execPath, file);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('describes what capabilities() returns, as root and as an unprivileged user', async () => {
    const sample = samples.find(({ code }) => code.includes('console.log(capabilities())'));
    expect(sample).toBeDefined();
    const code = sample?.code ?? '';
    // What the comment promises: `//   key: true|false,` lines.
    const promised: Record<string, boolean> = Object.fromEntries(
      [...code.matchAll(/^\/\/\s+(\w+): (true|false),/gm)].map((m): [string, boolean] => [
        m[1] ?? '',
        m[2] === 'true',
      ]),
    );
    expect(Object.keys(promised)).toEqual([
      'deathSignal',
      'pidfd',
      'cloneVfork',
      'sync',
      'tree',
      'canSignalOtherUids',
    ]);
    expect(code).toMatch(/canSignalOtherUids: false, \/\/ as an unprivileged user; true as root/);
    expect(code).toMatch(/three strings/);

    /** The sample's printed object, read back from util.inspect's output. */
    const printed = (stdout: string): Record<string, unknown> => ({
      ...(Object.fromEntries(
        [...stdout.matchAll(/^\s+(\w+): (true|false),?$/gm)].map((m) => [m[1], m[2] === 'true']),
      ) as Record<string, boolean>),
      notes: (stdout.match(/^\s+'[^']/gm) ?? []).length,
      fallbackReason: stdout.includes('fallbackReason'),
    });

    // As this user (root in CI): canSignalOtherUids is true exactly when we are root.
    const file = join(project, 'capabilities-sample.mjs');
    writeFileSync(file, code);
    const own = await runSample(process.execPath, file);
    expect(own.stderr).toBe('');
    expect(printed(own.stdout)).toStrictEqual({
      ...promised,
      canSignalOtherUids: isRoot,
      notes: 3,
      fallbackReason: false,
    });
    if (!isRoot) return;
    // As uid 65534, from a world-readable copy of the package.
    const staged = stageForNobody(onTestFinished, 'capabilities.mjs');
    const stage = dirname(dirname(dirname(dirname(staged.script))));
    execFileSync('mkdir', ['-p', join(stage, 'node_modules')]);
    symlinkSync(stage, join(stage, 'node_modules/tethered'), 'dir');
    const nobodyFile = join(stage, 'capabilities-sample.mjs');
    writeFileSync(nobodyFile, code);
    execFileSync('chmod', ['-R', 'a+rX', stage]);
    const nobody = await runSample(staged.node, nobodyFile, NOBODY);
    expect(nobody.stderr).toBe('');
    expect(printed(nobody.stdout)).toStrictEqual({ ...promised, notes: 3, fallbackReason: false });
  });
});
