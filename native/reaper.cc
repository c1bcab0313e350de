#include "reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <iterator>

#include "env_channel.h"
#include "guardians.h"
#include "syscalls.h"

namespace tethered {

uint32_t Reaper::Watch(pid_t pid, int pidfd, uint64_t env_id) {
  // Runs on the spawner thread.
  std::lock_guard<std::mutex> lock(mu_);
  uint32_t id;
  do {
    id = next_id_++;
  } while (id == 0 || (id & kTreeIdBit) != 0 || children_.count(id) != 0);
  if (pidfd >= 0 && EpollControl(epoll_fd_, EPOLL_CTL_ADD, pidfd, EPOLLIN, id) != 0) {
    close(pidfd);  // cannot watch it: fall back to polling this child
    pidfd = -1;
  }
  if (pidfd < 0) ++polled_count_;
  children_.emplace(id, Child{pid, pidfd, env_id});
  return id;
}

bool Reaper::TryReapLocked(std::unordered_map<uint32_t, Child>::iterator it) {
  // Runs on the spawner thread with mu_ held.
  siginfo_t info;
  if (WaitExit(it->second.pid, &info, false) == 0 && info.si_pid == 0) return false;  // running
  int exit_code, term_signal;
  ExitOf(info, &exit_code, &term_signal);  // ECHILD: a plain exit, so the ChildProcess closes
  if (it->second.pidfd >= 0) {
    // Leave the epoll set explicitly: close() removes the pidfd from it only when no other
    // process holds the same open file, and a forked copy of this process (every
    // node:child_process spawn forks) holds one until it execs. Still registered, the reaped
    // pidfd would stay readable and the spawner thread would spin.
    // (It can fail only if the pidfd is not in the set, which leaves nothing to undo.)
    (void)epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.pidfd, nullptr);
    close(it->second.pidfd);
  } else {
    --polled_count_;
  }
  const uint64_t env_id = it->second.env_id;
  const uint32_t id = it->first;
  children_.erase(it);
  EnvRouter::Get().Post(env_id, ChildEvent{EventKind::kExit, id, exit_code, term_signal, 0});
  return true;
}

void Reaper::OnPidfdReadable(uint32_t id) {
  // Runs on the spawner thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(id);
  if (it != children_.end()) TryReapLocked(it);
}

int Reaper::PollWithoutPidfd() {
  // Runs on the spawner thread.
  std::lock_guard<std::mutex> lock(mu_);
  int reaped = 0;
  for (auto it = children_.begin(); it != children_.end();) {
    auto next = std::next(it);  // TryReapLocked erases `it` only
    if (it->second.pidfd < 0 && TryReapLocked(it)) ++reaped;
    it = next;
  }
  return reaped;
}

int Reaper::DupPidfd(uint32_t id, pid_t* pid) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(id);
  if (it == children_.end()) return -ESRCH;
  if (it->second.pidfd < 0) return -ENOSYS;
  *pid = it->second.pid;
  int fd = fcntl(it->second.pidfd, F_DUPFD_CLOEXEC, 0);
  return fd >= 0 ? fd : -errno;
}

int Reaper::Kill(uint32_t id, int sig) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = children_.find(id);
  if (it == children_.end()) return -ESRCH;
  return SignalProcess(it->second.pidfd, it->second.pid, sig);
}

}  // namespace tethered
