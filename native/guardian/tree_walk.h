// Finding and signalling the descendants of a process without ever signalling anything else.
// Header-only, raw system calls, no allocation: used by the guardian (a static program without
// libc) and by the addon's SignalWithDescendants (syscalls.cc) for children without a guardian.
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

constexpr int kMaxDepth = 64;  // deeper processes are reached once their ancestors die

// One process, told apart from any later process given the same pid by its start time.
struct SeenSlot {
  unsigned generation;  // the slot is in use for the set's current generation only
  pid_t pid;
  unsigned long long start;
};

// The processes a kill has already signalled (or tried to), so that each gets the signal once
// however often the tree is walked: an open-addressing set over caller-provided slots. Clear() is
// O(1) (a new generation), so a static array costs memory only for the slots ever used. When
// three quarters full it stops remembering: a process beyond that may be signalled again.
struct Seen {
  SeenSlot* slots;
  unsigned capacity;  // a power of two
  unsigned generation;
  unsigned count;

  // Runs on any thread. Forgets everything.
  void Clear() {
    ++generation;
    count = 0;
  }
  // Runs on any thread. Adds (pid, start) unless it is there already or the set is full.
  void Add(pid_t pid, unsigned long long start) {
    SeenSlot* slot = Find(pid, start);
    if (slot->generation == generation || count >= capacity / 4 * 3) return;
    *slot = SeenSlot{generation, pid, start};
    ++count;
  }
  // Runs on any thread. True if (pid, start) is in the set.
  bool Has(pid_t pid, unsigned long long start) {
    return Find(pid, start)->generation == generation;
  }
  // Runs on any thread. The slot holding (pid, start), else the free slot where it would go (the
  // set is never more than three quarters full).
  SeenSlot* Find(pid_t pid, unsigned long long start) {
    unsigned i = (static_cast<unsigned>(pid) * 2654435761u) & (capacity - 1);
    for (;; i = (i + 1) & (capacity - 1)) {
      SeenSlot* slot = &slots[i];
      if (slot->generation != generation || (slot->pid == pid && slot->start == start)) return slot;
    }
  }
};

struct Walk {
  pid_t self;              // the walking process (its own children are signalled by pid)
  int sig;                 // signal to send
  bool use_pidfd;          // false: only the walker's own children are signalled
  unsigned pause_ms = 0;   // test knob: pause before each pidfd_open of a deeper process
  bool scan_proc = false;  // find children by scanning /proc, as without CONFIG_PROC_CHILDREN
  Seen* seen = nullptr;    // processes signalled before: skipped (their children are still walked)
  bool signal_at_once = false;  // signal each process when proven, before reading its children
  bool truncated = false;       // out: the buffer was full: more are left for another walk
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

// Runs on any thread, in any process. Reads the decimal digits at `p` into *value; returns the end
// (`p` itself when there is no digit).
inline const char* ReadDecimal(const char* p, unsigned long long* value) {
  *value = 0;
  for (; *p >= '0' && *p <= '9'; ++p) *value = *value * 10 + static_cast<unsigned>(*p - '0');
  return p;
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

// What a walk reads from /proc/<pid>/stat.
struct ProcStat {
  char state;  // 'R', 'S', ... 'Z' for a zombie
  long ppid;
  unsigned long long start;  // clock ticks after boot: with the pid, names one process
};

// Runs on any thread. Reads the parent pid and start time of `pid`: 0 or -errno.
inline long ReadStat(pid_t pid, ProcStat* out) {
  char path[48];
  PutString(PutUnsigned(PutString(path, "/proc/"), static_cast<unsigned long>(pid)), "/stat");
  char buf[512];
  long n = ReadSmallFile(path, buf, sizeof(buf));
  if (n < 0) return n;
  // "pid (comm) S ppid ...": comm may hold spaces and ')', so parse after the last ')'. The
  // fields after it are numbered from 3 (state); ppid is 4, starttime 22.
  const char* close_paren = nullptr;
  for (long i = 0; i < n; ++i) {
    if (buf[i] == ')') close_paren = buf + i;
  }
  if (close_paren == nullptr) return -EINVAL;
  const char* p = close_paren + 1;
  while (*p == ' ') ++p;
  out->state = *p;
  unsigned long long fields[2] = {0, 0};
  for (int field = 3; field <= 22; ++field) {
    while (*p == ' ') ++p;
    if (field == 4 || field == 22) {
      const char* digits = p;
      p = ReadDecimal(digits, &fields[field == 22]);
      if (p == digits) return -EINVAL;
    }
    while (*p != ' ' && *p != '\0') ++p;
  }
  out->ppid = static_cast<long>(fields[0]);
  out->start = fields[1];
  return 0;
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

// Runs on any thread. Calls fn(number) for each all-digit entry of the directory `path`, until fn
// returns false. 0, or -errno if the directory cannot be opened.
template <typename Fn>
inline long ForEachNumericEntry(const char* path, Fn fn) {
  long dir = RawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path),
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return dir;
  alignas(8) char buf[2048];
  bool more = true;
  while (more) {
    long n = RawSyscall(SYS_getdents64, dir, reinterpret_cast<long>(buf), sizeof(buf));
    if (n <= 0) break;
    for (long off = 0; off < n && more;) {
      const LinuxDirent64* d = reinterpret_cast<const LinuxDirent64*>(buf + off);
      off += d->d_reclen;
      unsigned long long value;
      const char* end = ReadDecimal(d->d_name, &value);
      if (end != d->d_name && *end == '\0') more = fn(static_cast<pid_t>(value));
    }
  }
  RawSyscall(SYS_close, dir);
  return 0;
}

// Runs on any thread. Calls fn(child) for each pid the kernel lists as a child of `pid`, however
// many, until fn returns false: every thread's /proc/<pid>/task/<tid>/children, read to its end
// (without CONFIG_PROC_CHILDREN, a scan of /proc for the parent pid). fn may walk deeper: each
// level holds two fds and 6 KiB of stack. A list that changes while it is read may skip a
// process; a kill walks again until a walk finds nothing new. 0, or -errno if `pid` cannot be read.
template <typename Fn>
inline long ForEachChild(pid_t pid, bool scan_proc, Fn fn) {
  char task_dir[48];
  PutString(PutUnsigned(PutString(task_dir, "/proc/"), static_cast<unsigned long>(pid)), "/task");
  bool no_children_file = scan_proc;
  bool more = true;
  long r = ForEachNumericEntry(task_dir, [&](pid_t tid) {
    if (no_children_file) return false;
    char path[96];
    PutString(
        PutUnsigned(PutString(PutString(path, task_dir), "/"), static_cast<unsigned long>(tid)),
        "/children");
    long fd = RawSyscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), O_RDONLY | O_CLOEXEC);
    if (fd == -ENOENT) {
      no_children_file = true;
      return false;
    }
    if (fd < 0) return true;
    char buf[4096];
    long value = -1;  // a pid may be split between two reads
    while (more) {
      long n = RawSyscall(SYS_read, fd, reinterpret_cast<long>(buf), sizeof(buf));
      if (n == -EINTR) continue;
      if (n <= 0) break;
      for (long i = 0; i < n && more; ++i) {
        const char c = buf[i];
        if (c >= '0' && c <= '9') {
          value = (value < 0 ? 0 : value * 10) + (c - '0');
        } else if (value >= 0) {
          more = fn(static_cast<pid_t>(value));
          value = -1;
        }
      }
    }
    if (value >= 0 && more) more = fn(static_cast<pid_t>(value));
    RawSyscall(SYS_close, fd);
    return more;
  });
  if (r < 0) return r;
  if (!no_children_file || !more) return 0;
  // CONFIG_PROC_CHILDREN is off: find the children by their parent pid.
  return ForEachNumericEntry("/proc", [&](pid_t candidate) {
    ProcStat stat;
    if (ReadStat(candidate, &stat) == 0 && stat.ppid == pid) return fn(candidate);
    return true;
  });
}

// One process found by a walk: held by `pidfd`, or (pidfd -1: only ever the walker's own child,
// without pidfd support) by its pid alone.
struct Found {
  pid_t pid;
  int pidfd;
  unsigned long long start;  // 0 if unknown
};

// Runs on any thread. Sends walk->sig to `process`; adds it to walk->seen if it was signalled or
// refused.
inline void SignalOne(Walk* walk, const Found& process) {
  const int r = SignalProcess(process.pidfd, process.pid, walk->sig);
  if (walk->seen != nullptr && (r == 0 || r == -EPERM)) walk->seen->Add(process.pid, process.start);
}

// Runs on any thread. Collects the verified descendants of `parent` (held by `parent_pidfd`, or
// the walker itself when parent == walk->self), parents before their children, leaving out those
// in walk->seen (whose children are still walked); `count` counts the new ones. Each one found is
// held by a pidfd until SignalFound() sends the signal and closes it, so the tree can be collected
// first and signalled after: a descendant orphaned by the signal to its parent is still the
// process that was proven to be in the tree. A subreaper, to which orphans come back, may set
// walk->signal_at_once instead: each process is signalled as soon as it is proven, before its
// children are read (`found` is not written). At `cap` processes it sets walk->truncated and
// stops: a walk's work is bounded even while the tree grows as fast as it is read.
inline void CollectChildrenOf(Walk* walk, Found* found, int cap, int* count, pid_t parent,
                              int parent_pidfd, int depth) {
  const bool own = parent == walk->self;
  if (!own && (!walk->use_pidfd || parent_pidfd < 0)) return;
  ForEachChild(parent, walk->scan_proc, [&](pid_t child) {
    if (*count >= cap) {
      walk->truncated = true;
      return false;
    }
    ProcStat stat = {'?', 0, 0};
    int fd = -1;
    if (own) {
      // Our own child: its pid cannot change hands before we reap it.
      if (walk->use_pidfd) fd = PidfdOpen(child);
      if (ReadStat(child, &stat) != 0) stat.start = 0;
    } else {
      if (walk->pause_ms != 0) SleepMs(walk->pause_ms);
      fd = PidfdOpen(child);
      if (fd < 0) return true;
      const bool proven = ReadStat(child, &stat) == 0 && stat.ppid == parent && PidfdAlive(fd) &&
                          PidfdAlive(parent_pidfd);
      if (!proven) {
        RawSyscall(SYS_close, fd);
        return true;
      }
    }
    const int pidfd = fd >= 0 ? fd : -1;
    if (stat.state == 'Z' || stat.state == 'X') {  // exited: nothing to signal, no children left
      if (pidfd >= 0) RawSyscall(SYS_close, pidfd);
      return true;
    }
    const bool fresh = walk->seen == nullptr || !walk->seen->Has(child, stat.start);
    const bool kept = fresh && !walk->signal_at_once;  // found[] owns its pidfd
    if (fresh) {
      const Found process = {child, pidfd, stat.start};
      if (kept) found[*count] = process;
      if (walk->signal_at_once) SignalOne(walk, process);
      ++*count;
    }
    if (pidfd >= 0 && depth < kMaxDepth) {
      CollectChildrenOf(walk, found, cap, count, child, pidfd, depth + 1);
    }
    if (!kept && pidfd >= 0) RawSyscall(SYS_close, pidfd);
    return !walk->truncated;
  });
}

// Runs on any thread. Signals and releases what CollectChildrenOf found; adds to walk->seen each
// process signalled or refused.
inline void SignalFound(Walk* walk, Found* found, int count) {
  for (int i = 0; i < count; ++i) {
    SignalOne(walk, found[i]);
    if (found[i].pidfd >= 0) RawSyscall(SYS_close, found[i].pidfd);
  }
}

}  // namespace tree_walk
}  // namespace tethered

#endif  // TETHERED_TREE_WALK_H_
