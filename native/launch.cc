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
// syscalls). The order of steps follows libuv's child path and ../shared/DESIGN.md.

#include "launch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

#include "guardian/execvp_errors.h"
#include "guardian/raw_syscall.h"

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

// Runs in the cloned child. Records the failure and exits without returning to the parent.
[[noreturn]] void Fail(LaunchPlan* plan, LaunchStep step, long negative_errno) {
  plan->error = static_cast<int>(-negative_errno);
  plan->failed_step = step;
  for (;;) RawSyscall(SYS_exit, 127);
}

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
    if (moved < 0) Fail(plan, LaunchStep::kFds, moved);
    src[i] = static_cast<int>(moved);
  }
  for (int i = 0; i < count; ++i) {
    if (src[i] < 0) {
      if (i >= 3) continue;  // 'ignore' above stdio: the fd stays closed
      RawSyscall(SYS_close, i);
      long null_fd = RawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"),
                                i == 0 ? O_RDONLY : O_RDWR);
      if (null_fd < 0) Fail(plan, LaunchStep::kFds, null_fd);
      if (null_fd != i) {
        long r = Dup2(null_fd, i);
        RawSyscall(SYS_close, null_fd);
        if (r < 0) Fail(plan, LaunchStep::kFds, r);
      }
      continue;
    }
    long r = src[i] == i ? RawSyscall(SYS_fcntl, i, F_SETFD, 0) : Dup2(src[i], i);
    if (r < 0) Fail(plan, LaunchStep::kFds, r);
    if (i <= 2) MakeBlocking(i);
  }
}

// Runs in the cloned child. Sleeps; only for the test knob that widens the clone->prctl window.
void PauseMs(unsigned ms) {
  struct timespec ts = {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
  while (RawSyscall(SYS_nanosleep, reinterpret_cast<long>(&ts), reinterpret_cast<long>(&ts)) ==
         -EINTR) {
  }
}

// Runs in the cloned child. Arms the death signal; if the parent process already died, delivers
// it to ourselves (it stays pending until the mask is emptied just before execve).
void ArmDeathSignal(LaunchPlan* plan) {
  if (plan->test_pause_before_death_signal_ms != 0)
    PauseMs(plan->test_pause_before_death_signal_ms);
  if (plan->death_signal == 0) return;
  long r = RawSyscall(SYS_prctl, PR_SET_PDEATHSIG, plan->death_signal);
  if (r < 0) Fail(plan, LaunchStep::kDeathSignal, r);
  // 0 means the parent is outside our PID namespace: nothing can be concluded from it.
  long ppid = RawSyscall(SYS_getppid);
  if (ppid != plan->parent_pid && ppid != 0) {
    RawSyscall(SYS_kill, RawSyscall(SYS_getpid), plan->death_signal);
  }
}

// Runs in the cloned child. execve with glibc execvp semantics over the prepared candidates.
// Returns the errno to report.
long ExecCandidates(LaunchPlan* plan) {
  if (plan->exec_fd >= 0) {  // the guardian, from its sealed memfd
    return RawSyscall(SYS_execveat, plan->exec_fd, reinterpret_cast<long>(""),
                      reinterpret_cast<long>(plan->argv), reinterpret_cast<long>(plan->envp),
                      AT_EMPTY_PATH);
  }
  bool saw_eacces = false;
  long err = -ENOENT;
  for (const char* const* c = plan->candidates; *c != nullptr; ++c) {
    err = RawSyscall(SYS_execve, reinterpret_cast<long>(*c), reinterpret_cast<long>(plan->argv),
                     reinterpret_cast<long>(plan->envp));
    if (err == -ENOEXEC) {  // no shebang: run it with /bin/sh as execvp does
      plan->sh_argv[1] = *c;
      err = RawSyscall(SYS_execve, reinterpret_cast<long>(plan->sh_argv[0]),
                       reinterpret_cast<long>(plan->sh_argv), reinterpret_cast<long>(plan->envp));
    }
    if (!ExecvpTriesNext(err, &saw_eacces)) return err;
  }
  return saw_eacces ? -EACCES : err;
}

}  // namespace

int LaunchChild(void* arg) {
  LaunchPlan* plan = static_cast<LaunchPlan*>(arg);
  ResetSignalDispositions();
  if (plan->detached) {
    long r = RawSyscall(SYS_setsid);
    if (r < 0) Fail(plan, LaunchStep::kSetsid, r);
  }
  MapFds(plan);
  if (plan->cwd != nullptr) {
    long r = RawSyscall(SYS_chdir, reinterpret_cast<long>(plan->cwd));
    if (r < 0) Fail(plan, LaunchStep::kChdir, r);
  }
  if (plan->set_uid || plan->set_gid) {
    RawSyscall(SYS_setgroups, 0, 0);  // result ignored, as libuv does
    if (plan->set_gid) {
      long r = RawSyscall(SYS_setgid, plan->gid);
      if (r < 0) Fail(plan, LaunchStep::kSetgid, r);
    }
    if (plan->set_uid) {
      long r = RawSyscall(SYS_setuid, plan->uid);
      if (r < 0) Fail(plan, LaunchStep::kSetuid, r);
    }
  }
  ArmDeathSignal(plan);  // after the id changes: a credential change clears the death signal
  const unsigned long empty_mask = 0;
  RawSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&empty_mask), 0,
             sizeof(empty_mask));
  Fail(plan, LaunchStep::kExec, ExecCandidates(plan));
}

}  // namespace tethered
