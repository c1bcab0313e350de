// The steps between clone() and execve() that both child paths take: launch.cc's (every child;
// the guardian itself in tree mode) and the guardian's command child. Raw system calls only, no
// libc, no errno, nothing written but what the caller passes: they run in a child that shares its
// parent's memory (CLONE_VM). Each returns 0 or -errno; the caller records the failure.
#ifndef TETHERED_CHILD_STEPS_H_
#define TETHERED_CHILD_STEPS_H_

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "raw_syscall.h"

namespace tethered {

// Runs in a cloned child. Records why it cannot exec where its parent reads it (the memory is
// shared) and exits with status 127.
[[noreturn]] inline void FailChild(int* error, long negative_errno) {
  *error = static_cast<int>(-negative_errno);
  for (;;) RawSyscall(SYS_exit, 127);
}

// Runs in a cloned child. setsid() when the child is detached.
inline long StartSession(bool detached) { return detached ? RawSyscall(SYS_setsid) : 0; }

// Runs in a cloned child. libuv's order: supplementary groups dropped (result ignored, as libuv
// does), then the gid, then the uid. Raw syscalls: glibc's would signal every parent thread.
inline long SetIds(bool set_uid, unsigned uid, bool set_gid, unsigned gid) {
  if (!set_uid && !set_gid) return 0;
  RawSyscall(SYS_setgroups, 0, 0);
  long r = set_gid ? RawSyscall(SYS_setgid, gid) : 0;
  return r < 0 || !set_uid ? r : RawSyscall(SYS_setuid, uid);
}

// Runs in a cloned child, after SetIds (a credential change clears the death signal). Arms
// `death_signal` toward the parent; if `parent` already died (getppid() changed), delivers it to
// ourselves: it stays pending until UnblockSignals. getppid() 0 means the parent is outside our
// PID namespace, which says nothing. `pause_ms` is a test knob that widens the window before it.
inline long ArmDeathSignal(int death_signal, long parent, unsigned pause_ms) {
  if (pause_ms != 0) SleepMs(pause_ms);
  if (death_signal == 0) return 0;
  long r = RawSyscall(SYS_prctl, PR_SET_PDEATHSIG, death_signal);
  if (r < 0) return r;
  long ppid = RawSyscall(SYS_getppid);
  if (ppid != parent && ppid != 0) RawSyscall(SYS_kill, RawSyscall(SYS_getpid), death_signal);
  return 0;
}

// Runs in a cloned child, just before execve: the signal mask that stayed full since clone.
inline void UnblockSignals() {
  const unsigned long empty_mask = 0;
  RawSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&empty_mask), 0,
             sizeof(empty_mask));
}

// Runs in a cloned child before exec (async-signal-safe, touches nothing). True when execvp would
// try the next candidate after execve failed with `negative_errno`; EACCES is also remembered.
inline bool ExecvpTriesNext(long negative_errno, bool* saw_eacces) {
  switch (-negative_errno) {
    case EACCES:
      *saw_eacces = true;
      return true;
    case ENOENT:
    case ESTALE:
    case ENOTDIR:
    case ENODEV:
    case ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

// Runs in a cloned child. execve over the `count` candidate paths with glibc execvp's semantics;
// returns the -errno to report. A file without a shebang (ENOEXEC) runs as /bin/sh <candidate>
// argv[1..]: that argv is built in place over argv[-1] and argv[0] (argv[1] too for an empty
// argv), so argv[-1] must be writable, and is restored for the next candidate.
inline long ExecvpCandidates(const char* const* candidates, int count, const char** argv,
                             const char* const* envp) {
  bool saw_eacces = false;
  long err = -ENOENT;
  for (int i = 0; i < count; ++i) {
    const char* candidate = candidates[i];  // argv[-1] may be the last candidate's slot
    err = RawSyscall(SYS_execve, reinterpret_cast<long>(candidate), reinterpret_cast<long>(argv),
                     reinterpret_cast<long>(envp));
    if (err == -ENOEXEC) {
      const char** sh_argv = argv - 1;
      const char* saved[3] = {sh_argv[0], sh_argv[1], argv[0] == nullptr ? sh_argv[2] : nullptr};
      sh_argv[0] = "/bin/sh";
      sh_argv[1] = candidate;
      if (saved[1] == nullptr) sh_argv[2] = nullptr;
      err = RawSyscall(SYS_execve, reinterpret_cast<long>(sh_argv[0]),
                       reinterpret_cast<long>(sh_argv), reinterpret_cast<long>(envp));
      sh_argv[0] = saved[0];
      sh_argv[1] = saved[1];
      if (saved[1] == nullptr) sh_argv[2] = saved[2];
    }
    if (!ExecvpTriesNext(err, &saw_eacces)) return err;
  }
  return saw_eacces ? -EACCES : err;
}

}  // namespace tethered

#endif  // TETHERED_CHILD_STEPS_H_
