// What the child starts with: signal dispositions and mask, blocking stdio, the socket type and
// buffer sizes of 'pipe' slots (libuv >= 1.51 sets 64 KiB), its parent, its fds.
import type { Scenario } from '../harness.js';

/** Python that describes fds 0-2 (blocking flag, socket type, buffer sizes) and its open fds. */
const DESCRIBE_FDS = `
import os, socket
def info(fd):
    try:
        s = socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM)
        kind = (s.type.name, s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
                s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
        s.close()
    except OSError as e:
        kind = e.strerror
    return (fd, os.get_blocking(fd), kind)
print([info(fd) for fd in (0, 1, 2)])
`;

export const childState: readonly Scenario[] = [
  {
    name: 'signal dispositions reset and an empty signal mask in the child',
    run: (run) =>
      run.observe(run.api.spawn('grep', ['-E', '^Sig(Ign|Blk|Cgt)', '/proc/self/status'])),
  },
  {
    name: "'pipe' slots are blocking AF_UNIX stream sockets with libuv's buffer sizes",
    run: (run) => run.observe(run.api.spawn('python3', ['-c', DESCRIBE_FDS])),
  },
  {
    name: "'ignore' and 'inherit' slots as the child sees them",
    run: (run) =>
      run.observe(
        run.api.spawn('python3', ['-c', DESCRIBE_FDS], { stdio: ['ignore', 'pipe', 'inherit'] }),
      ),
  },
  {
    name: 'the child is a direct child of this process',
    run: async (run) => {
      const child = run.api.spawn('grep', ['-E', '^PPid', '/proc/self/status']);
      const record = await run.observe(child);
      const parentIsUs = record.streams['1'] === `PPid:\t${String(process.pid)}\n`;
      record.streams = {};
      return { parentIsUs, record };
    },
  },
];
