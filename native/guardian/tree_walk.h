// Finding and signalling the descendants of a process without ever signalling anything else.
// Header-only, raw system calls, no allocation: used by the guardian (a static program without
// libc) and by the addon's killTree() for children that have no guardian.
//
// A pid read from /proc is only a number: by the time it is used, that process may have been
// reaped and the pid given to an unrelated process. So a process C listed as a child of P is
// signalled only once it is proven to be P's child:
//   1. pidfd_open(C): from now on we hold one process, whatever happens to the number C;
//   2. read C's parent from /proc/C/stat;
//   3. the pidfds of C and P are both still alive (not readable when polled).
// P alive after step 2 means the number P named the process we hold throughout (a pid is not
// reused while its process exists), and C alive after step 2 means /proc/C/stat described the
// process we hold. Then the signal goes through C's pidfd, which cannot reach another process.
// The caller's own children need no proof: only the caller can reap them, and it does not reap
// during a walk, so their pids cannot change hands. Without pidfds only those are signalled.
#ifndef TETHERED_TREE_WALK_H_
#define TETHERED_TREE_WALK_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>

#include "raw_syscall.h"

namespace tethered {
namespace tree_walk {

constexpr int kMaxDepth = 64;          // deeper processes are reached once their ancestors die
constexpr int kMaxChildrenRead = 512;  // per process and pass; the rest are found on a later pass

struct Walk {
  pid_t self;         // the walking process (its own children are signalled by pid)
  int sig;            // signal to send
  bool use_pidfd;     // false: only the walker's own children are signalled
  unsigned pause_ms;  // test knob: pause before each pidfd_open of a deeper process
  bool own_only;      // signal only the walker's own children (no deeper walk)
  bool scan_proc;     // find children by scanning /proc, as without CONFIG_PROC_CHILDREN (tests)
  int signalled;      // out: how many processes were signalled
};

// Runs on any thread, in any process. Writes the decimal `value` at `out`; returns the end.
inline char* PutUnsigned(char* out, unsigned long value) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) *out++ = tmp[--n];
  *out = '\0';
  return out;
}

// Runs on any thread. Appends the C string `s` at `out`; returns the end.
inline char* PutString(char* out, const char* s) {
  while (*s != '\0') *out++ = *s++;
  *out = '\0';
  return out;
}

// Runs on any thread. Reads up to size-1 bytes of `path` into buf (NUL-terminated): length or
// -errno.
inline long ReadSmallFile(const char* path, char* buf, long size) {
  long fd = RawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fd;
  long total = 0;
  while (total < size - 1) {
    long n = RawSyscall(SYS_read, fd, reinterpret_cast<long>(buf + total), size - 1 - total);
    if (n == -EINTR) continue;
    if (n <= 0) break;
    total += n;
  }
  RawSyscall(SYS_close, fd);
  buf[total] = '\0';
  return total;
}

// Runs on any thread. The parent pid recorded in /proc/<pid>/stat, or -errno.
inline long ReadParentPid(pid_t pid) {
  char path[48];
  PutString(PutUnsigned(PutString(path, "/proc/"), static_cast<unsigned long>(pid)), "/stat");
  char buf[512];
  long n = ReadSmallFile(path, buf, sizeof(buf));
  if (n < 0) return n;
  // "pid (comm) S ppid ...": comm may hold spaces and ')', so parse after the last ')'.
  const char* close_paren = nullptr;
  for (long i = 0; i < n; ++i) {
    if (buf[i] == ')') close_paren = buf + i;
  }
  if (close_paren == nullptr) return -EINVAL;
  const char* p = close_paren + 1;
  while (*p == ' ') ++p;
  while (*p != ' ' && *p != '\0') ++p;  // state
  while (*p == ' ') ++p;
  long ppid = 0;
  if (*p < '0' || *p > '9') return -EINVAL;
  while (*p >= '0' && *p <= '9') ppid = ppid * 10 + (*p++ - '0');
  return ppid;
}

// Runs on any thread. True while the process behind `pidfd` has not exited.
inline bool PidfdAlive(int pidfd) {
  struct pollfd pfd = {pidfd, POLLIN, 0};
  struct timespec zero = {0, 0};
  long r =
      RawSyscall(SYS_ppoll, reinterpret_cast<long>(&pfd), 1, reinterpret_cast<long>(&zero), 0, 8);
  return r == 0;
}

struct LinuxDirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// Runs on any thread. Calls fn(pid, ctx) for each all-digit entry of the directory `path`.
template <typename Fn>
inline long ForEachNumericEntry(const char* path, Fn fn) {
  long dir = RawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path),
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return dir;
  alignas(8) char buf[2048];
  for (;;) {
    long n = RawSyscall(SYS_getdents64, dir, reinterpret_cast<long>(buf), sizeof(buf));
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      const LinuxDirent64* d = reinterpret_cast<const LinuxDirent64*>(buf + off);
      off += d->d_reclen;
      long value = 0;
      const char* c = d->d_name;
      if (*c == '\0') continue;
      for (; *c >= '0' && *c <= '9'; ++c) value = value * 10 + (*c - '0');
      if (*c == '\0') fn(static_cast<pid_t>(value));
    }
  }
  RawSyscall(SYS_close, dir);
  return 0;
}

// Runs on any thread. The pids the kernel lists as children of `pid` (every thread's
// /proc/<pid>/task/<tid>/children; without CONFIG_PROC_CHILDREN, a scan of /proc for the parent
// pid). At most `cap`; returns how many, or -errno if `pid` cannot be read.
inline int ListChildren(pid_t pid, pid_t* out, int cap, bool scan_proc = false) {
  char task_dir[48];
  char* end = PutString(PutUnsigned(PutString(task_dir, "/proc/"), static_cast<unsigned long>(pid)),
                        "/task");
  int count = 0;
  bool no_children_file = scan_proc;
  long r = ForEachNumericEntry(task_dir, [&](pid_t tid) {
    if (no_children_file) return;
    char path[96];
    PutString(
        PutUnsigned(PutString(PutString(path, task_dir), "/"), static_cast<unsigned long>(tid)),
        "/children");
    char buf[4096];
    long n = ReadSmallFile(path, buf, sizeof(buf));
    if (n == -ENOENT) {
      no_children_file = true;
      return;
    }
    long value = -1;
    for (long i = 0; i <= n; ++i) {
      char c = i < n ? buf[i] : ' ';
      if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
      } else if (value >= 0) {
        if (count < cap) out[count++] = static_cast<pid_t>(value);
        value = -1;
      }
    }
  });
  (void)end;
  if (r < 0) return static_cast<int>(r);
  if (!no_children_file) return count;
  count = 0;  // CONFIG_PROC_CHILDREN is off: find the children by their parent pid
  ForEachNumericEntry("/proc", [&](pid_t candidate) {
    if (count < cap && ReadParentPid(candidate) == pid) out[count++] = candidate;
  });
  return count;
}

// One process found by a walk: held by `pidfd` (or, for the walker's own child, by its pid alone,
// pidfd -1 without pidfd support).
struct Found {
  pid_t pid;
  int pidfd;
  bool own;
};

// Runs on any thread. Collects the verified descendants of `parent` (held by `parent_pidfd`, or
// the walker itself when parent == walk->self), parents before their children. Each one found is
// held by a pidfd until SignalFound() sends the signal and closes it, so the tree can be
// collected first and signalled after: a descendant orphaned by the signal to its parent is still
// the process that was proven to be in the tree.
inline void CollectChildrenOf(Walk* walk, Found* found, int cap, int* count, pid_t parent,
                              int parent_pidfd, int depth) {
  pid_t children[kMaxChildrenRead];
  int n = ListChildren(parent, children, kMaxChildrenRead, walk->scan_proc);
  for (int i = 0; i < n && *count < cap; ++i) {
    const pid_t child = children[i];
    if (parent == walk->self) {
      // Our own child: its pid cannot change hands before we reap it.
      long fd = -1;
      if (walk->use_pidfd && !walk->own_only) fd = RawSyscall(SYS_pidfd_open, child, 0);
      found[(*count)++] = Found{child, fd >= 0 ? static_cast<int>(fd) : -1, true};
      if (fd >= 0 && depth < kMaxDepth) {
        CollectChildrenOf(walk, found, cap, count, child, static_cast<int>(fd), depth + 1);
      }
      continue;
    }
    if (!walk->use_pidfd || parent_pidfd < 0) return;
    if (walk->pause_ms != 0) SleepMs(walk->pause_ms);
    long fd = RawSyscall(SYS_pidfd_open, child, 0);
    if (fd < 0) continue;
    const bool proven = ReadParentPid(child) == parent && PidfdAlive(static_cast<int>(fd)) &&
                        PidfdAlive(parent_pidfd);
    if (!proven) {
      RawSyscall(SYS_close, fd);
      continue;
    }
    found[(*count)++] = Found{child, static_cast<int>(fd), false};
    if (depth < kMaxDepth) {
      CollectChildrenOf(walk, found, cap, count, child, static_cast<int>(fd), depth + 1);
    }
  }
}

// Runs on any thread. Signals and releases what CollectChildrenOf found.
inline void SignalFound(Walk* walk, Found* found, int count) {
  for (int i = 0; i < count; ++i) {
    long r = found[i].pidfd >= 0
                 ? RawSyscall(SYS_pidfd_send_signal, found[i].pidfd, walk->sig, 0, 0)
                 : (found[i].own ? RawSyscall(SYS_kill, found[i].pid, walk->sig) : -ESRCH);
    if (r == 0) ++walk->signalled;
    if (found[i].pidfd >= 0) RawSyscall(SYS_close, found[i].pidfd);
  }
}

}  // namespace tree_walk
}  // namespace tethered

#endif  // TETHERED_TREE_WALK_H_
