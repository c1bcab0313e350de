// Every stdio form of research §1.3: strings, arrays, extra fds, integer fds, streams with an
// fd, another child's stream, a net.Socket, and an 'ipc' slot in spawn.
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { LooseCall, Scenario } from '../harness.js';

/** Lists which of the fds 0..7 are open in the child, on fd `report`. */
const LIST_FDS = 'for i in 0 1 2 3 4 5 6 7; do [ -e /proc/$$/fd/$i ] && printf "%s " $i; done';

export const stdio: readonly Scenario[] = [
  {
    name: "stdio 'ignore': no streams, /dev/null in the child",
    run: (run) =>
      run
        .observe(
          run.api.spawn('sh', ['-c', 'readlink /proc/$$/fd/0 /proc/$$/fd/1 > report; true'], {
            stdio: 'ignore',
            cwd: run.dir,
          }),
        )
        .then((record) => ({
          record,
          report: readFileSync(join(run.dir, 'report'), 'utf8').replaceAll(run.dir, '<dir>'),
        })),
  },
  {
    name: "stdio 'inherit': no streams in the parent",
    run: (run) => run.observe(run.api.spawn('true', { stdio: 'inherit' })),
  },
  {
    name: "stdio 'overlapped' behaves as 'pipe'",
    run: (run) =>
      run.observe(run.api.spawn('sh', ['-c', 'echo o; echo e >&2'], { stdio: 'overlapped' })),
  },
  {
    name: "stdio ['pipe', 'ignore', 'pipe']",
    run: (run) =>
      run.observe(
        run.api.spawn('sh', ['-c', 'echo o; echo e >&2'], { stdio: ['pipe', 'ignore', 'pipe'] }),
      ),
  },
  {
    name: 'stdio [null, undefined] are pipes below index 3',
    run: (run) =>
      run.observe(
        (run.api.spawn as LooseCall)('sh', ['-c', 'echo o; echo e >&2'], {
          stdio: [null, undefined],
        }),
      ),
  },
  {
    name: 'a negative integer is a pipe',
    run: (run) =>
      run.observe((run.api.spawn as LooseCall)('echo', ['neg'], { stdio: ['pipe', -1, 'pipe'] })),
  },
  {
    name: 'extra fds 3 and 4 are readable sockets in the parent',
    run: (run) =>
      run.observe(
        run.api.spawn('sh', ['-c', 'echo three >&3; echo four >&4; echo out'], {
          stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
        }),
      ),
  },
  {
    name: 'extra fd 3 is writable from the parent',
    run: async (run) => {
      const child = run.api.spawn('sh', ['-c', 'head -c 5 <&3; echo'], {
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      });
      const record = run.observe(child);
      (child.stdio[3] as Socket).end('hello');
      return record;
    },
  },
  {
    name: "fd layout of ['ignore','ignore','inherit','pipe','pipe','pipe',null,'ignore']",
    run: (run) =>
      run.observe(
        run.api.spawn('sh', ['-c', `${LIST_FDS} >&3`], {
          stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe', 'pipe', null, 'ignore'],
        }),
      ),
  },
  {
    name: 'an integer fd of an open file receives stdout',
    run: async (run) => {
      const path = join(run.dir, 'out.txt');
      const fd = openSync(path, 'w');
      try {
        const record = await run.observe(
          run.api.spawn('sh', ['-c', 'echo to-file; echo err >&2'], {
            stdio: ['ignore', fd, 'pipe'],
          }),
        );
        return { record, file: readFileSync(path, 'utf8') };
      } finally {
        closeSync(fd);
      }
    },
  },
  {
    name: 'an object with a numeric fd receives stdout',
    run: async (run) => {
      const path = join(run.dir, 'out.txt');
      const fd = openSync(path, 'w');
      try {
        const record = await run.observe(
          (run.api.spawn as LooseCall)('echo', ['via-object'], {
            stdio: ['ignore', { fd }, 'ignore'],
          }),
        );
        return { record, file: readFileSync(path, 'utf8') };
      } finally {
        closeSync(fd);
      }
    },
  },
  {
    name: 'an opened fs.WriteStream receives stdout',
    run: async (run) => {
      const path = join(run.dir, 'out.txt');
      const stream = createWriteStream(path);
      await once(stream, 'open');
      const record = await run.observe(
        run.api.spawn('echo', ['via-write-stream'], { stdio: ['ignore', stream, 'ignore'] }),
      );
      stream.end();
      await once(stream, 'close');
      return { record, file: readFileSync(path, 'utf8') };
    },
  },
  {
    name: "another child's stdout as stdin (a pipe between children)",
    run: async (run) => {
      const first = run.track(run.api.spawn('printf', ['b\\na\\nc\\n']));
      const second = run.api.spawn('sort', [], { stdio: [first.stdout, 'pipe', 'pipe'] });
      const [firstExit, record] = await Promise.all([once(first, 'exit'), run.observe(second)]);
      first.stdout.destroy();
      return { firstExit, record };
    },
    relaxed:
      "Node never emits 'close' for the first child (its stdout socket was handed to the second child and stays open in the parent): only its 'exit' is compared.",
  },
  {
    name: 'a connected net.Socket as stdout',
    run: async (run) => {
      const server = createServer();
      server.listen(join(run.dir, 'sock'));
      await once(server, 'listening');
      try {
        const accepted = once(server, 'connection') as Promise<[Socket]>;
        const client = createConnection(join(run.dir, 'sock'));
        const [socket] = await accepted;
        const received: Buffer[] = [];
        client.on('data', (chunk: Buffer) => received.push(chunk));
        const clientEnded = once(client, 'end');
        const record = await run.observe(
          run.api.spawn('echo', ['through-a-socket'], { stdio: ['ignore', socket, 'ignore'] }),
        );
        socket.end();
        await clientEnded;
        client.destroy();
        return { record, received: Buffer.concat(received).toString() };
      } finally {
        server.close();
      }
    },
  },
  {
    name: "'ipc' in spawn: messages, disconnect, exit",
    run: (run) =>
      run.observe(
        run.api.spawn(process.execPath, [join(run.fixtures, 'ipc-hello.cjs')], {
          stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
        }),
      ),
  },
  {
    name: "'ipc' in spawn with serialization 'advanced'",
    run: async (run) => {
      const child = run.api.spawn(process.execPath, [join(run.fixtures, 'ipc-advanced.cjs')], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      const record = run.observe(child);
      child.send({ date: new Date(0), buffer: Buffer.from('b') });
      return record;
    },
  },
];
