// Options of research §1.2: cwd forms, env, argv0, uid/gid, detached, shell and the accepted
// no-ops.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LooseCall, Run, Scenario } from '../harness.js';

function script(run: Run, relative: string, body: string): string {
  const path = join(run.dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

/** Process group and session of `pid` from /proc/<pid>/stat. */
function groupAndSession(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[2]), Number(fields[3])];
}

export const options: readonly Scenario[] = [
  {
    name: 'cwd as a string',
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'pwd; ls'], { cwd: run.dir })),
  },
  {
    name: 'cwd as a Buffer',
    run: (run) => {
      writeFileSync(join(run.dir, 'marker'), '');
      return run.observe((run.api.spawn as LooseCall)('ls', { cwd: Buffer.from(run.dir) }));
    },
  },
  {
    name: 'cwd as a file: URL',
    run: (run) => {
      writeFileSync(join(run.dir, 'marker'), '');
      return run.observe(run.api.spawn('ls', { cwd: pathToFileURL(run.dir) }));
    },
  },
  {
    name: 'a relative command with a slash resolves against cwd',
    run: (run) => {
      script(run, 'sub/tool.sh', 'echo tool ran "$@"');
      return run.observe(run.api.spawn('./sub/tool.sh', ['a'], { cwd: run.dir }));
    },
  },
  {
    name: 'env replaces the environment and its PATH drives the command lookup',
    run: (run) => {
      script(run, 'bin/mycmd', 'echo "mycmd ran with A=$A"');
      return run.observe(
        run.api.spawn('mycmd', { env: { A: 'one', PATH: join(run.dir, 'bin') }, cwd: '/' }),
      );
    },
  },
  {
    name: 'env without PATH falls back to the default search path',
    run: (run) => run.observe(run.api.spawn('sh', ['-c', 'env | sort'], { env: { ONLY: '1' } })),
  },
  {
    name: 'env: prototype keys included, undefined skipped, null becomes "null"',
    run: (run) => {
      const env = Object.create({ INHERITED: 'from-prototype' }) as Record<string, unknown>;
      env['UNDEF'] = undefined;
      env['NULLED'] = null;
      env['PLAIN'] = 'plain';
      return run.observe((run.api.spawn as LooseCall)('sh', ['-c', 'env | sort'], { env }));
    },
  },
  {
    name: "env that is a string becomes '0=x'",
    run: (run) =>
      run.observe((run.api.spawn as LooseCall)('sh', ['-c', 'env | sort'], { env: 'x' })),
  },
  {
    name: 'process.env changed at runtime reaches a child without an env option',
    run: (run) => {
      process.env['TETHERED_PARITY_RUNTIME'] = 'set at runtime';
      try {
        return run.observe(run.api.spawn('sh', ['-c', 'echo "$TETHERED_PARITY_RUNTIME"']));
      } finally {
        delete process.env['TETHERED_PARITY_RUNTIME'];
      }
    },
  },
  {
    name: 'argv0 is what the child sees as argv[0]',
    run: (run) =>
      run.observe(run.api.spawn('cat', ['/proc/self/cmdline'], { argv0: 'custom-argv0' })),
  },
  {
    name: 'uid as root: the child runs as that user',
    run: (run) => run.observe(run.api.spawn('id', { uid: 12345 })),
  },
  {
    name: 'gid as root: supplementary groups dropped',
    run: (run) => run.observe(run.api.spawn('id', { gid: 12345 })),
  },
  {
    name: 'uid and gid together as root',
    run: (run) => run.observe(run.api.spawn('id', { uid: 12346, gid: 12347 })),
  },
  {
    name: 'detached: the child leads a new session and process group',
    run: async (run) => {
      const child = run.api.spawn('sleep', ['5'], { detached: true, stdio: 'ignore' });
      const pid = child.pid ?? 0;
      const [group, session] = groupAndSession(pid);
      child.kill('SIGKILL');
      return {
        groupIsPid: group === pid,
        sessionIsPid: session === pid,
        record: await run.observe(child),
      };
    },
  },
  {
    name: "not detached: the child stays in the parent's process group",
    run: async (run) => {
      const child = run.api.spawn('sleep', ['5'], { stdio: 'ignore' });
      const [group, session] = groupAndSession(child.pid ?? 0);
      const [ourGroup, ourSession] = groupAndSession(process.pid);
      child.kill('SIGKILL');
      return {
        sameGroup: group === ourGroup,
        sameSession: session === ourSession,
        record: await run.observe(child),
      };
    },
  },
  {
    name: 'shell: true with quoting, expansion and arithmetic',
    run: (run) =>
      run.observe(
        run.api.spawn(`echo "a  b" 'c d' $((1+2)) "$X"`, { shell: true, env: { X: 'ex' } }),
      ),
  },
  {
    name: 'shell as a path string',
    run: (run) => run.observe(run.api.spawn('echo "$0"', { shell: '/bin/bash' })),
  },
  {
    name: 'shell with args: joined with spaces, no quoting',
    run: (run) => run.observe(run.api.spawn('echo', ['a  b', '"c"', "'d'"], { shell: true })),
  },
  {
    name: 'windowsHide and windowsVerbatimArguments are accepted and ignored',
    run: (run) =>
      run.observe(
        run.api.spawn('echo', ['x'], { windowsHide: true, windowsVerbatimArguments: true }),
      ),
  },
  {
    name: 'unknown options are ignored',
    run: (run) =>
      run.observe(
        (run.api.spawn as LooseCall)('echo', ['x'], {
          timeoutDuration: 5,
          lines: true,
          input: 'i',
        }),
      ),
  },
  {
    name: 'options inherited from Object.prototype are ignored',
    run: (run) => {
      const proto = Object.prototype as Record<string, unknown>;
      proto['cwd'] = '/nonexistent/tethered-proto';
      proto['shell'] = '/nonexistent/shell';
      const spawnPwd = (): ChildProcess => {
        try {
          return run.api.spawn('pwd', [], {});
        } finally {
          delete proto['cwd'];
          delete proto['shell'];
        }
      };
      return run.observe(spawnPwd());
    },
  },
];
