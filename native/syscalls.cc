#include "syscalls.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <new>

#include "guardian/tree_walk.h"

namespace tethered {

int SignalWithDescendants(pid_t pid, int pidfd, int sig) {
  constexpr int kMaxDescendants = 4096;  // descendants signalled per call
  tree_walk::Walk walk = {};
  walk.self = getpid();
  walk.sig = sig;
  walk.use_pidfd = true;
  int count = 0;
  std::unique_ptr<tree_walk::Found[]> found;
  if (pidfd >= 0 && sig != 0) {
    found.reset(new (std::nothrow) tree_walk::Found[kMaxDescendants]);
    if (found != nullptr) {
      tree_walk::CollectChildrenOf(&walk, found.get(), kMaxDescendants, &count, pid, pidfd, 0);
    }
  }
  const int err = SignalProcess(pidfd, pid, sig);
  if (count > 0) tree_walk::SignalFound(&walk, found.get(), count);
  return err;
}

int EpollControl(int epoll_fd, int op, int fd, uint32_t events, uint64_t tag) {
  struct epoll_event ev = {};
  ev.events = events;
  ev.data.u64 = tag;
  return epoll_ctl(epoll_fd, op, fd, &ev) == 0 ? 0 : -errno;
}

int StreamSocketPair(int fds[2], int buffer_size) {
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return -errno;
  for (int i = 0; i < 2 && buffer_size > 0; ++i) {
    (void)setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &buffer_size, sizeof(buffer_size));
    (void)setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &buffer_size, sizeof(buffer_size));
  }
  return 0;
}

}  // namespace tethered
