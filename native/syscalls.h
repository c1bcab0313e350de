// Checked system calls that several files make alike: each returns 0 or -errno.
#ifndef TETHERED_SYSCALLS_H_
#define TETHERED_SYSCALLS_H_

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cstdint>
#include <functional>

namespace tethered {

// Runs on any thread. waitid(P_PID) for `pid`'s exit, blocking or not (WNOHANG), retried on EINTR.
// With block false, info->si_pid is 0 while it still runs.
[[nodiscard]] int WaitExit(pid_t pid, siginfo_t* info, bool block);

// Runs on any thread. The exit code and terminating signal (0 if none) WaitExit() reported; 0 and 0
// after it failed (ECHILD: someone else's wildcard wait took the child, and its status is lost).
inline void ExitOf(const siginfo_t& info, int* code, int* sig) {
  *code = info.si_code == CLD_EXITED ? info.si_status : 0;
  *sig = info.si_code == CLD_EXITED ? 0 : info.si_status;
}

// Runs on any thread. Signals one process we hold: through `pidfd` if it is >= 0, else by pid
// (only for a child of ours that is not yet reaped, whose pid cannot have changed hands).
[[nodiscard]] int SignalProcess(int pidfd, pid_t pid, int sig);

// Runs on a JS thread. Collects the verified descendants of the child `pid` (held by `pidfd`, or
// none found when pidfd < 0) with tree_walk.h's walk, then calls signal_child() (which signals the
// child itself and returns 0 or -errno), then signals the descendants, each through its pidfd.
// Collecting first means a descendant orphaned by the child's death is still one proven to be in
// the tree; a child already exited (its pidfd readable) proves nothing, so nothing but
// signal_child() is done. Returns what signal_child() returned.
[[nodiscard]] int SignalWithDescendants(pid_t pid, int pidfd, int sig,
                                        const std::function<int()>& signal_child);

// Runs on any thread. epoll_ctl(op) of `fd` for `events`, tagged with `tag`.
[[nodiscard]] int EpollControl(int epoll_fd, int op, int fd, uint32_t events, uint64_t tag);

// Runs on any thread. pidfd_open(pid): a pidfd or -errno.
[[nodiscard]] int PidfdOpen(pid_t pid);

// Runs on any thread. An AF_UNIX stream socketpair, close-on-exec; with buffer_size > 0 both ends
// get that SO_SNDBUF and SO_RCVBUF, as libuv >= 1.51 sizes them (a failure keeps the default).
[[nodiscard]] int StreamSocketPair(int fds[2], int buffer_size);

}  // namespace tethered

#endif  // TETHERED_SYSCALLS_H_
