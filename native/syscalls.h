// Checked system calls that several files make alike: each returns 0 or -errno. Those the guardian
// makes too (waiting for an exit, signalling a process, pidfd_open) are raw_syscall.h's.
#ifndef TETHERED_SYSCALLS_H_
#define TETHERED_SYSCALLS_H_

#include <sys/types.h>

#include <cstdint>

#include "guardian/raw_syscall.h"

namespace tethered {

// Runs on a JS thread. Collects the verified descendants of the child `pid` (held by `pidfd`, or
// none found when pidfd < 0) with tree_walk.h's walk, then signals the child
// (SignalProcess(pidfd, pid, sig)), then the descendants, each through its pidfd. Collecting first
// means a descendant orphaned by the child's death is still one proven to be in the tree; a child
// already exited (its pidfd readable) proves nothing, so only it is signalled. Returns what
// signalling the child returned.
[[nodiscard]] int SignalWithDescendants(pid_t pid, int pidfd, int sig);

// Runs on any thread. epoll_ctl(op) of `fd` for `events`, tagged with `tag`.
[[nodiscard]] int EpollControl(int epoll_fd, int op, int fd, uint32_t events, uint64_t tag);

// Runs on any thread. An AF_UNIX stream socketpair, close-on-exec; with buffer_size > 0 both ends
// get that SO_SNDBUF and SO_RCVBUF, as libuv >= 1.51 sizes them (a failure keeps the default).
[[nodiscard]] int StreamSocketPair(int fds[2], int buffer_size);

}  // namespace tethered

#endif  // TETHERED_SYSCALLS_H_
