// Direct system calls that return -errno and never touch errno (thread-local state). Used by the
// cloned child, which runs on the spawner thread's TLS (see launch.cc), by the guardian, which has
// no libc, and by the addon where it makes the same calls as the guardian.
#ifndef TETHERED_RAW_SYSCALL_H_
#define TETHERED_RAW_SYSCALL_H_

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// What older kernel and glibc headers lack (the same on x86_64 and aarch64).
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

namespace tethered {

// Runs on any thread, including the cloned child; async-signal-safe.
inline long RawSyscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0,
                       long a6 = 0) {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = a4;
  register long r8 __asm__("r8") = a5;
  register long r9 __asm__("r9") = a6;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a1;
  register long x1 __asm__("x1") = a2;
  register long x2 __asm__("x2") = a3;
  register long x3 __asm__("x3") = a4;
  register long x4 __asm__("x4") = a5;
  register long x5 __asm__("x5") = a6;
  __asm__ volatile("svc 0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory", "cc");
  return x0;
#else
#error "tethered: RawSyscall is implemented for x86_64 and aarch64 only"
#endif
}

// Runs on any thread, including the cloned child. Sleeps `ms` milliseconds (test knobs only).
inline void SleepMs(unsigned ms) {
  struct timespec ts = {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
  while (RawSyscall(SYS_nanosleep, reinterpret_cast<long>(&ts), reinterpret_cast<long>(&ts)) ==
         -EINTR) {
  }
}

// Runs on any thread. Milliseconds on the monotonic clock.
inline long NowMs() {
  struct timespec ts;
  RawSyscall(SYS_clock_gettime, CLOCK_MONOTONIC, reinterpret_cast<long>(&ts));
  return static_cast<long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Runs on any thread. waitid(idtype, id, WEXITED | options), retried on EINTR: 0 or -errno. With
// WNOHANG, info->si_pid is 0 while no such child has exited.
[[nodiscard]] inline long WaitId(idtype_t idtype, pid_t id, siginfo_t* info, int options) {
  *info = {};
  long r;
  do {
    r = RawSyscall(SYS_waitid, idtype, id, reinterpret_cast<long>(info), WEXITED | options, 0);
  } while (r == -EINTR);
  return r;
}

// Runs on any thread. Reaps `pid` once it has exited, waiting for that or not (then info->si_pid
// is 0 while it still runs): 0 or -errno.
[[nodiscard]] inline int WaitExit(pid_t pid, siginfo_t* info, bool block) {
  return static_cast<int>(WaitId(P_PID, pid, info, block ? 0 : WNOHANG));
}

// Runs on any thread. The exit code and terminating signal (0 if none) a wait reported; 0 and 0
// after it failed (ECHILD: someone else's wildcard wait took the child, and its status is lost).
inline void ExitOf(const siginfo_t& info, int* code, int* sig) {
  *code = info.si_code == CLD_EXITED ? info.si_status : 0;
  *sig = info.si_code == CLD_EXITED ? 0 : info.si_status;
}

// Runs on any thread. pidfd_open(pid): a pidfd or -errno.
[[nodiscard]] inline int PidfdOpen(pid_t pid) {
  return static_cast<int>(RawSyscall(SYS_pidfd_open, pid, 0));
}

// Runs on any thread. Signals one process we hold: through `pidfd` if it is >= 0, else by pid
// (only for a child of ours that is not yet reaped, whose pid cannot have changed hands). 0 or
// -errno.
[[nodiscard]] inline int SignalProcess(int pidfd, pid_t pid, int sig) {
  return static_cast<int>(pidfd >= 0 ? RawSyscall(SYS_pidfd_send_signal, pidfd, sig, 0, 0)
                                     : RawSyscall(SYS_kill, pid, sig));
}

}  // namespace tethered

#endif  // TETHERED_RAW_SYSCALL_H_
