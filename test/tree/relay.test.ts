// A tree child behaves as a default-mode child (and so as Node's): exits relayed exactly, stdout
// bytes intact, IPC, errors with Node's shape, detached, uid/gid. The one difference: getppid().
import * as node from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec, execFile, fork, spawn, spawnAsync } from '../../lib/index.js';
import { killQuietly, parentPid, START_BOUND_MS, waitFor } from '../helpers/proc.js';
import { argvOf, liveTree, uniqueMarker } from './tree-procs.js';

const echoIpc = new URL('../fixtures/tree/echo-ipc.mjs', import.meta.url).pathname;

async function exitOf(child: node.ChildProcess): Promise<unknown[]> {
  return (await once(child, 'exit')) as unknown[];
}

describe.concurrent('tree: true relays', () => {
  const scripts: [string, string][] = [
    ['exit 0', 'exit 0'],
    ['exit 1', 'exit 1'],
    ['exit 42', 'exit 42'],
    ['exit 255', 'exit 255'],
    ['SIGSEGV', 'kill -SEGV $$'],
    ['SIGKILL', 'kill -KILL $$'],
  ];
  for (const [name, script] of scripts) {
    it(`the exit of ${name} exactly as node:child_process reports it`, async () => {
      const expected = await exitOf(node.spawn('sh', ['-c', script], { stdio: 'ignore' }));
      const got = await exitOf(spawn('sh', ['-c', script], { tree: true, stdio: 'ignore' }));
      expect(got).toEqual(expected);
    });
  }

  it('stdout bytes intact (4 MiB)', async () => {
    const program = `const b = Buffer.alloc(1 << 22); for (let i = 0; i < b.length; i++) b[i] = (i * 7) & 255; process.stdout.write(b);`;
    const collect = async (child: node.ChildProcess): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      child.stdout?.on('data', (c: Buffer) => chunks.push(c));
      await once(child, 'close');
      return Buffer.concat(chunks);
    };
    const expected = await collect(node.spawn(process.execPath, ['-e', program]));
    const got = await collect(spawn(process.execPath, ['-e', program], { tree: true }));
    expect(got.length).toBe(1 << 22);
    expect(got.equals(expected)).toBe(true);
  });

  it("fork() IPC through a guardian; the child's parent is the guardian", async () => {
    const child = fork(echoIpc, [], { tree: true });
    child.send({ n: 1 });
    const [reply] = (await once(child, 'message')) as [{ echo: unknown; ppid: number }];
    expect(reply.echo).toEqual({ n: 1 });
    expect(argvOf(reply.ppid)?.[0]).toBe('tethered-guardian');
    expect(parentPid(reply.ppid)).toBe(process.pid);
    child.send('bye');
    expect(await exitOf(child)).toEqual([0, null]);
  });

  it("the guardian SIGKILLed from outside: the command dies with it, 'exit' says SIGKILL", async () => {
    const child = spawn('sleep', ['30'], { tree: true, stdio: 'ignore' });
    const guardian = parentPid(child.pid ?? 0) ?? 0;
    expect(argvOf(guardian)?.[0]).toBe('tethered-guardian');
    process.kill(guardian, 'SIGKILL');
    expect(await exitOf(child)).toEqual([null, 'SIGKILL']);
  });

  it('child.pid is the command; kill() signals it', async () => {
    const child = spawn('sleep', ['30'], { tree: true, stdio: 'ignore' });
    // The exec may still be laying out the new argv (as after Node's spawn): wait for it.
    await waitFor(() => (argvOf(child.pid ?? 0) ?? []).length > 0, 1000);
    expect(argvOf(child.pid ?? 0)).toEqual(['sleep', '30']);
    expect(child.kill()).toBe(true);
    expect(await exitOf(child)).toEqual([null, 'SIGTERM']);
    expect(child.kill()).toBe(false);
  });

  it('exec, execFile and spawnAsync take tree: true ($PPID is the guardian)', async () => {
    const script = 'cat /proc/$PPID/comm';
    const viaExec = await new Promise<string>((resolve, reject) => {
      exec(script, { tree: true }, (error, stdout) => {
        if (error) reject(error);
        else resolve(stdout.trim());
      });
    });
    const viaExecFile = await new Promise<string>((resolve, reject) => {
      execFile('sh', ['-c', script], { tree: true }, (error, stdout) => {
        if (error) reject(new Error(error.message));
        else resolve(stdout.trim());
      });
    });
    expect([viaExec, viaExecFile]).toEqual(['tethered-guard', 'tethered-guard']);
    const child = await spawnAsync('sh', ['-c', script], { tree: true });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await once(child, 'close');
    expect(out.trim()).toBe('tethered-guard');
  });

  it('exec errors have Node’s shape (ENOENT, EACCES, bad cwd)', async () => {
    const cases: [string, string[], node.SpawnOptions][] = [
      ['tethered-no-such-command', ['a'], {}],
      [echoIpc, [], {}], // not executable
      ['sh', ['-c', 'true'], { cwd: '/tethered/no/such/dir' }],
    ];
    for (const [file, args, options] of cases) {
      const errorOf = async (child: node.ChildProcess): Promise<Record<string, unknown>> => {
        const [error] = (await once(child, 'error')) as [Error & Record<string, unknown>];
        return { ...Object.fromEntries(Object.entries(error)), message: error.message };
      };
      const expected = await errorOf(node.spawn(file, args, options));
      const got = await errorOf(spawn(file, args, { ...options, tree: true }));
      expect(got).toEqual(expected);
    }
  });

  it('a script without #! runs through /bin/sh with its arguments, as execvp does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tethered-tree-'));
    const script = join(dir, 'no-shebang');
    writeFileSync(script, 'echo "args:$1:$2"\n', { mode: 0o755 });
    const out = async (child: node.ChildProcess): Promise<string> => {
      let text = '';
      child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
      await once(child, 'close');
      return text;
    };
    try {
      const expected = await out(node.spawn(script, ['a', 'b']));
      expect(await out(spawn(script, ['a', 'b'], { tree: true }))).toBe(expected);
      expect(expected).toBe('args:a:b\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('detached: true makes the command a session leader, still tethered as a tree', async () => {
    const child = spawn('sleep', ['30'], { tree: true, detached: true, stdio: 'ignore' });
    const stat = readFileSync(`/proc/${child.pid ?? 0}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(fields[3])).toBe(child.pid); // session id
    expect(Number(fields[2])).toBe(child.pid); // process group
    child.kill('SIGKILL');
    await exitOf(child);
  });

  it.runIf(process.getuid?.() === 0)(
    'uid/gid apply to the command, not the guardian, which can still signal the tree',
    async ({ onTestFinished }) => {
      const marker = uniqueMarker();
      onTestFinished(() => {
        for (const pid of liveTree(marker)) killQuietly(pid);
      });
      const child = spawn('sh', ['-c', `sleep ${marker} & sleep ${marker}; true`], {
        tree: true,
        uid: 65534,
        gid: 65534,
        stdio: 'ignore',
      });
      const pid = child.pid ?? 0;
      expect(await waitFor(() => liveTree(marker).length === 2, START_BOUND_MS)).toBe(true);
      const uidOf = (p: number): string | undefined =>
        /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      expect(uidOf(pid)).toBe('65534');
      expect(uidOf(parentPid(pid) ?? 0)).toBe(String(process.getuid?.()));
      const { killTree } = await import('../../lib/index.js');
      // graceMs: 0 escalates at once, which reaches the whole tree without pidfds too.
      expect(killTree(child, 'SIGKILL', { graceMs: 0 })).toBe(true);
      expect(await exitOf(child)).toEqual([null, 'SIGKILL']);
      expect(await waitFor(() => liveTree(marker).length === 0, 2000)).toBe(true);
    },
  );

  it('deathSignal: null with tree: true throws; tree must be a boolean', () => {
    expect(() => spawn('true', [], { tree: true, deathSignal: null })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => spawn('true', [], { tree: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => spawn('true', [], { tree: true, treeGraceMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });
});
