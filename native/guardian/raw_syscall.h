// Direct system calls that return -errno and never touch errno (thread-local state).
// Used by the cloned child, which runs on the spawner thread's TLS (see launch.cc).
#ifndef TETHERED_RAW_SYSCALL_H_
#define TETHERED_RAW_SYSCALL_H_

#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// System call numbers older kernel headers lack (the same on x86_64 and aarch64).
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

}  // namespace tethered

#endif  // TETHERED_RAW_SYSCALL_H_
