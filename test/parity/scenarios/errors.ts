// Spawn failures: async 'error' + 'close'(-errno) for ENOENT/EACCES, synchronous throws for the
// rest, and what runs through /bin/sh instead of failing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attempt, type Run, type Scenario } from '../harness.js';

function file(run: Run, name: string, body: string | Buffer, mode: number): void {
  writeFileSync(join(run.dir, name), body, { mode });
}

export const errors: readonly Scenario[] = [
  {
    name: "ENOENT: 'error' then 'close'(-2), no 'spawn', pid undefined, sockets end",
    run: (run) => run.observe(run.api.spawn('no-such-cmd-tethered', ['a', 'b'])),
  },
  {
    name: 'ENOENT with stdio ignore',
    run: (run) => run.observe(run.api.spawn('no-such-cmd-tethered', { stdio: 'ignore' })),
  },
  {
    name: 'ENOENT for a path with a slash',
    run: (run) => run.observe(run.api.spawn('./missing/cmd', ['x'], { cwd: run.dir })),
  },
  {
    name: 'EACCES: file without the execute bit',
    run: (run) => {
      file(run, 'noexec.sh', '#!/bin/sh\necho never\n', 0o644);
      return run.observe(run.api.spawn('./noexec.sh', ['x'], { cwd: run.dir }));
    },
  },
  {
    name: 'EACCES: a directory as the command',
    run: (run) => {
      mkdirSync(join(run.dir, 'dir.d'));
      return run.observe(run.api.spawn('./dir.d', { cwd: run.dir }));
    },
  },
  {
    name: 'missing cwd: ENOENT whose path is the command, not the cwd',
    run: (run) => run.observe(run.api.spawn('ls', ['-l'], { cwd: '/nonexistent/tethered-dir' })),
  },
  {
    name: 'cwd that is a file: synchronous spawn ENOTDIR',
    run: (run) => {
      file(run, 'plain-file', 'x', 0o644);
      return Promise.resolve(
        attempt(() => run.api.spawn('ls', { cwd: join(run.dir, 'plain-file') })),
      );
    },
  },
  {
    name: 'one 200000-byte argument: synchronous spawn E2BIG',
    run: (run) => Promise.resolve(attempt(() => run.api.spawn('echo', ['x'.repeat(200_000)]))),
  },
  {
    name: 'stdio fd 99 that is not open: synchronous spawn EBADF',
    run: (run) => Promise.resolve(attempt(() => run.api.spawn('true', { stdio: ['pipe', 99] }))),
  },
  {
    name: 'uid -1 as root: synchronous spawn EINVAL',
    run: (run) => Promise.resolve(attempt(() => run.api.spawn('true', { uid: -1 }))),
  },
  {
    name: 'executable without a shebang runs through /bin/sh',
    run: (run) => {
      file(run, 'noshebang', 'echo from-shebangless-script "$0" "$1"\n', 0o755);
      return run.observe(run.api.spawn('./noshebang', ['arg'], { cwd: run.dir }));
    },
  },
  {
    name: 'garbage with ELF magic runs through /bin/sh and fails there',
    run: (run) => {
      file(run, 'garbage', Buffer.from('\x7fELF-not-really\n', 'latin1'), 0o755);
      return run.observe(run.api.spawn('./garbage', { cwd: run.dir }));
    },
  },
  {
    name: "command not found under shell: exit 127, no 'error'",
    run: (run) => run.observe(run.api.spawn('no-such-cmd-tethered --flag', { shell: true })),
  },
  {
    name: "kill() after the 'error' of a failed spawn returns false",
    run: async (run) => {
      const child = run.api.spawn('no-such-cmd-tethered');
      const record = run.observe(child);
      const killed: boolean[] = [];
      child.on('error', () => killed.push(child.kill()));
      return { killed, record: await record, later: child.kill() };
    },
  },
];
