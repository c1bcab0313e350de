// Code that runs in the cloned child, between clone() and execve().
//
// The child is created with CLONE_VM | CLONE_VFORK: it runs on the parent's memory, with the
// spawner thread's thread-local storage, while the spawner thread is suspended. Anything that
// touches shared state would corrupt the parent. So this file holds only async-signal-safe code
// built on raw system calls (RawSyscall never writes errno), and everything it reads was
// prepared before clone().
//
// Forbidden here: malloc/new, locks, C++ exceptions, stdio, errno, any glibc wrapper that
// consults thread state; raise() (it would signal the parent's spawner thread: use getpid+kill);
// glibc setuid()/setgid()/setgroups() (they broadcast to every thread of the parent: use the raw
// syscalls). The order of steps follows libuv's child path (docs/design.md, "The child path").

#include "launch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>

#include "guardian/child_steps.h"

namespace tethered {
namespace {

constexpr int kLastSignal = 64;  // the kernel's _NSIG on x86_64 and aarch64 (signals 1..64)
static_assert(_NSIG == kLastSignal + 1, "glibc's _NSIG is the kernel's plus one");

// The kernel's struct sigaction (not glibc's, whose mask has 1024 bits). x86_64 and aarch64 share
// this layout: both define SA_RESTORER (aarch64 for AArch32 compatibility), so sa_restorer sits
// between the flags and the mask. Used all zero: handler SIG_DFL, no flags, empty mask.
struct KernelSigaction {
  unsigned long handler;
  unsigned long flags;
  unsigned long restorer;
  unsigned long mask;  // the kernel's sigset_t: 64 bits on both architectures
};
static_assert(sizeof(KernelSigaction) == 4 * sizeof(unsigned long), "no padding");

// Runs in the cloned child. Every disposition back to SIG_DFL, ignored ones included (Node ignores
// SIGPIPE; children must not inherit that). The mask stays full until just before execve.
void ResetSignalDispositions() {
  const KernelSigaction dfl = {};
  for (int sig = 1; sig <= kLastSignal; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    RawSyscall(SYS_rt_sigaction, sig, reinterpret_cast<long>(&dfl), 0, sizeof(dfl.mask));
  }
}

// Runs in the cloned child. dup2() built on dup3, which every architecture has: aarch64 (like all
// that use the kernel's generic syscall table) has no dup2. dup3 fails with EINVAL when both fds
// are equal, where dup2 returns the fd if it is open and EBADF if not: fcntl(F_GETFD) tells which.
[[nodiscard]] long Dup2(int old_fd, int new_fd) {
  if (old_fd == new_fd) {
    long r = RawSyscall(SYS_fcntl, old_fd, F_GETFD);
    return r < 0 ? r : new_fd;
  }
  return RawSyscall(SYS_dup3, old_fd, new_fd, 0);
}

// Runs in the cloned child. Clears O_NONBLOCK on a stdio fd, as libuv does.
void MakeBlocking(int fd) {
  long flags = RawSyscall(SYS_fcntl, fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK)) RawSyscall(SYS_fcntl, fd, F_SETFL, flags & ~O_NONBLOCK);
}

// Runs in the cloned child. Installs plan->fds[i] as fd i without clobbering a source that a
// later slot still needs (libuv's two-pass scheme).
void MapFds(LaunchPlan* plan) {
  const int count = plan->fd_count;
  int* src = plan->fd_scratch;
  for (int i = 0; i < count; ++i) src[i] = plan->fds[i];
  // A source below its slot may be overwritten by an earlier Dup2: move it above every slot.
  for (int i = 0; i < count; ++i) {
    if (src[i] < 0 || src[i] >= i) continue;
    long moved = RawSyscall(SYS_fcntl, src[i], F_DUPFD_CLOEXEC, count);
    if (moved < 0) FailChild(&plan->error, moved);
    src[i] = static_cast<int>(moved);
  }
  for (int i = 0; i < count; ++i) {
    if (src[i] < 0) {
      if (i >= 3) continue;  // 'ignore' above stdio: the fd stays closed
      RawSyscall(SYS_close, i);
      long null_fd = RawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"),
                                i == 0 ? O_RDONLY : O_RDWR);
      if (null_fd < 0) FailChild(&plan->error, null_fd);
      if (null_fd != i) {
        long r = Dup2(null_fd, i);
        RawSyscall(SYS_close, null_fd);
        if (r < 0) FailChild(&plan->error, r);
      }
      continue;
    }
    long r = src[i] == i ? RawSyscall(SYS_fcntl, i, F_SETFD, 0) : Dup2(src[i], i);
    if (r < 0) FailChild(&plan->error, r);
    if (i <= 2) MakeBlocking(i);
  }
}

// Runs in the cloned child. Our helper from its sealed memfd, or a command as execvp would.
long Exec(LaunchPlan* plan) {
  if (plan->exec_fd < 0) {
    return ExecvpCandidates(plan->candidates, plan->candidate_count, plan->argv, plan->envp);
  }
  return RawSyscall(SYS_execveat, plan->exec_fd, reinterpret_cast<long>(""),
                    reinterpret_cast<long>(plan->argv), reinterpret_cast<long>(plan->envp),
                    AT_EMPTY_PATH);
}

}  // namespace

int LaunchChild(void* arg) {
  // Runs in the cloned child; returns only by exiting (FailChild) or not at all (execve).
  LaunchPlan* plan = static_cast<LaunchPlan*>(arg);
  const ChildSettings& child = plan->child;
  ResetSignalDispositions();
  if (long r = StartSession(child.detached); r < 0) FailChild(&plan->error, r);
  MapFds(plan);
  long r = plan->cwd != nullptr ? RawSyscall(SYS_chdir, reinterpret_cast<long>(plan->cwd)) : 0;
  if (r >= 0) r = SetIds(child.set_uid, child.uid, child.set_gid, child.gid);
  const unsigned pause_ms = plan->test_pause_before_death_signal_ms;
  if (r >= 0) r = ArmDeathSignal(child.death_signal, plan->parent_pid, pause_ms);
  if (r < 0) FailChild(&plan->error, r);
  UnblockSignals();
  FailChild(&plan->error, Exec(plan));
}

}  // namespace tethered
