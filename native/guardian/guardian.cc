// tethered-guardian: the subreaper between Node and a tree-mode command; its life is described in
// docs/design.md, "Tree mode". A static program without libc: single-threaded, no signal handlers
// (every signal stays blocked; SIGCHLD and the death signal are read from a signalfd), no
// allocation, only raw system calls (raw_syscall.h).

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "child_steps.h"
#include "guardian_protocol.h"
#include "raw_syscall.h"
#include "tree_walk.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

// The compiler may emit calls to these for struct copies and zeroing; there is no libc.
extern "C" void* memset(void* dest, int c, size_t n) {
  unsigned char* d = static_cast<unsigned char*>(dest);
  while (n-- != 0) *d++ = static_cast<unsigned char>(c);
  return dest;
}
extern "C" void* memcpy(void* dest, const void* src, size_t n) {
  unsigned char* d = static_cast<unsigned char*>(dest);
  const unsigned char* s = static_cast<const unsigned char*>(src);
  while (n-- != 0) *d++ = *s++;
  return dest;
}

namespace tethered {
namespace {

constexpr int kMaxFound = 4096;           // per walk; a kill walks again until nothing new is left
constexpr unsigned kSeenSlots = 1 << 16;  // processes a kill remembers (three quarters of this)
constexpr long kConvergeMs = 5000;        // killTree(sig != SIGKILL): walks stop after this
constexpr long kFirstPauseMs = 10;        // between walks while they find new processes
constexpr long kGracePauseMs = 200;       // at most, between walks of the grace period
constexpr int kControlBatch = 256;        // control messages read before the loop looks around

struct State {
  long opt[kGuardianOptionCount] = {};  // the option fields, by GuardianOption
  int control_fd = -1;
  int flags = 0;
  const char* const* envp = nullptr;
  const char* const* candidates = nullptr;
  const char** user_argv = nullptr;  // user_argv[-1] (the last candidate or the options) is scratch
  long self = 0;
  long command = 0;
  bool command_reaped = false;
  int signal_fd = -1;
  // Written by the command child before it exits when it cannot exec (shared memory: CLONE_VM).
  int* exec_error = nullptr;
  tree_walk::Seen seen = {};  // the processes the current kill has signalled
};

State g;
tree_walk::SeenSlot seen_slots[kSeenSlots];

// Runs in the guardian.
[[noreturn]] void Exit(int code) {
  for (;;) RawSyscall(SYS_exit_group, code);
}

// Runs in the guardian. Parses the comma-separated decimal option fields into g.opt.
bool ParseOptions(const char* s) {
  for (int n = 0; n < kGuardianOptionCount; ++n) {
    const bool negative = *s == '-';
    unsigned long long value = 0;
    const char* end = tree_walk::ReadDecimal(s + negative, &value);
    if (end == s + negative || *end != (n + 1 < kGuardianOptionCount ? ',' : '\0')) return false;
    g.opt[n] = negative ? -static_cast<long>(value) : static_cast<long>(value);
    s = end + 1;
  }
  g.control_fd = static_cast<int>(g.opt[kOptControlFd]);
  g.flags = static_cast<int>(g.opt[kOptFlags]);
  return g.opt[kOptVersion] == kGuardianVersion && g.control_fd >= 3 && g.opt[kOptCandidates] >= 0;
}

// Runs in the guardian. Sends one message (with an fd if fd >= 0); errors are ignored: a dead
// parent reads nothing anyway.
void Send(int32_t type, int32_t a, int32_t b, int fd = -1) {
  (void)SendMessage(g.control_fd, GuardianMessage{type, a, b}, fd, 0);
}

// ---- the command child (after clone(CLONE_VFORK): a copy of our memory, we wait for its exec)

// Runs in the command child: launch.cc's child path from setsid on (signals are already SIG_DFL;
// the fd plan and cwd were applied to the guardian and are inherited). Its death signal is
// SIGKILL toward the guardian: if the guardian itself is SIGKILLed, the command dies with it; the
// tree signal comes from the guardian. Never inlined: the child runs on the guardian's stack
// (vfork-style), so its frames must lie below the caller's.
[[noreturn]] __attribute__((noinline)) void RunCommand() {
  const unsigned uid = static_cast<unsigned>(g.opt[kOptUid]);
  const unsigned gid = static_cast<unsigned>(g.opt[kOptGid]);
  const unsigned pause_ms = static_cast<unsigned>(g.opt[kOptPauseBeforePrctl]);
  long r = StartSession(g.flags & kFlagDetached);  // the new session's id, or -errno
  if (r >= 0) r = SetIds(g.flags & kFlagSetUid, uid, g.flags & kFlagSetGid, gid);
  if (r >= 0) r = ArmDeathSignal(SIGKILL, g.self, pause_ms);
  if (r < 0) FailChild(g.exec_error, r);
  UnblockSignals();
  FailChild(g.exec_error,
            ExecvpCandidates(g.candidates, g.opt[kOptCandidates], g.user_argv, g.envp));
}

// Runs in the guardian. clone(CLONE_VM | CLONE_VFORK) with no new stack: vfork. The child borrows
// our memory and stack until it execs or exits, and we are suspended meanwhile; it only calls
// RunCommand (never returns into our frames), which touches nothing we read afterwards except
// g.exec_error. No page tables are copied. Returns the pid or -errno; *pidfd gets its pidfd or -1.
long CloneCommand(int* pidfd) {
  *pidfd = -1;
  long flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
  long pid = -EINVAL;
  if (!(g.flags & kFlagNoPidfd)) {
    int fd = -1;
    // x86_64: clone(flags, stack, parent_tid, child_tid, tls); aarch64: (..., parent_tid, tls,
    // child_tid). CLONE_PIDFD stores the fd through parent_tid, the third argument on both.
    pid = RawSyscall(SYS_clone, flags | CLONE_PIDFD, 0, reinterpret_cast<long>(&fd), 0, 0);
    if (pid == 0) RunCommand();
    if (pid > 0) *pidfd = fd;
  }
  if (pid == -EINVAL || (g.flags & kFlagNoPidfd)) {  // kernel < 5.2: no CLONE_PIDFD
    pid = RawSyscall(SYS_clone, flags, 0, 0, 0, 0);
    if (pid == 0) RunCommand();
  }
  return pid;
}

// ---- the guardian's loop

// Runs in the guardian. Reaps every exited child; reports the command's exit. Returns false once
// the guardian has no children left.
bool ReapAll() {
  for (;;) {
    siginfo_t info;
    if (WaitId(P_ALL, 0, &info, WNOHANG) < 0) return false;  // ECHILD: nothing left
    if (info.si_pid == 0) return true;
    if (info.si_pid == g.command && !g.command_reaped) {
      g.command_reaped = true;
      int code, sig;
      ExitOf(info, &code, &sig);
      Send(kMsgExited, code, sig);
    }
  }
}

// Runs in the guardian. Walks the tree once and sends `sig` to each process `seen` does not hold
// yet (adding it): how many such processes the walk found, plus one if it stopped at kMaxFound.
// SIGKILL goes to each process as soon as it is proven: a killed process forks nothing while its
// children are read (a tree cannot outgrow the walk), and the children it leaves come back to us
// (we are their subreaper). Other signals go out after the walk, to the tree as it was found.
int SignalNew(int sig) {
  tree_walk::Walk walk = {static_cast<pid_t>(g.self), sig, !(g.flags & kFlagNoPidfd)};
  walk.pause_ms = static_cast<unsigned>(g.opt[kOptWalkPause]);
  walk.scan_proc = (g.flags & kFlagScanProc) != 0;
  walk.seen = &g.seen;
  walk.signal_at_once = sig == SIGKILL;
  static tree_walk::Found found[kMaxFound];
  int count = 0;
  tree_walk::CollectChildrenOf(&walk, found, kMaxFound, &count, static_cast<pid_t>(g.self), -1, 0);
  if (!walk.signal_at_once) tree_walk::SignalFound(&walk, found, count);
  return count + (walk.truncated ? 1 : 0);
}

// Runs in the guardian. Waits up to `ms` for a signal (SIGCHLD) or control message; drains the
// signalfd. Returns the poll result for the control fd (POLLIN/POLLHUP bits) or 0.
int WaitEvents(long ms, bool watch_control) {
  struct pollfd fds[2] = {{g.signal_fd, POLLIN, 0}, {g.control_fd, POLLIN, 0}};
  struct timespec ts = {static_cast<time_t>(ms / 1000), (ms % 1000) * 1000000L};
  long r = RawSyscall(SYS_ppoll, reinterpret_cast<long>(fds), watch_control ? 2 : 1,
                      ms < 0 ? 0 : reinterpret_cast<long>(&ts), 0, 8);
  if (r <= 0) return 0;
  if (fds[0].revents & POLLIN) {
    char buf[128 * 8];
    RawSyscall(SYS_read, g.signal_fd, reinterpret_cast<long>(buf), sizeof(buf));
  }
  return watch_control ? fds[1].revents : 0;
}

// Runs in the guardian. Sends `sig` to every process of the tree once: walks again (reaping in
// between, so exited orphans free their pids) until a walk finds no process it has not signalled,
// or for kConvergeMs at most (processes that survive the signal and keep forking).
void KillConverging(int sig) {
  g.seen.Clear();
  const long give_up = NowMs() + kConvergeMs;
  for (;;) {
    ReapAll();
    if (SignalNew(sig) == 0 || NowMs() >= give_up) return;
    WaitEvents(0, false);
  }
}

// Runs in the guardian. Escalates: SIGKILL to every process of the tree once, then reaps until
// none is left. Once two walks in a row find nothing new, what is left is dying or refused the
// signal (EPERM: another user's process, such as a set-uid program): the guardian then walks again
// only when one of its children exits (SIGCHLD), never in a loop. A process it may not signal
// survives, and so does what that process starts while it runs; what it leaves when it exits is
// handed to the guardian and killed then.
void KillEverything() {
  g.seen.Clear();
  int quiet = 0;
  for (;;) {
    if (!ReapAll()) return;
    quiet = SignalNew(SIGKILL) == 0 ? quiet + 1 : 0;
    WaitEvents(quiet < 2 ? kFirstPauseMs : -1, false);
  }
}

// Runs in the guardian. The parent died: deathSignal to the whole tree, grace, SIGKILL, reap, exit.
[[noreturn]] void ShutDown() {
  const int tree_signal = static_cast<int>(g.opt[kOptTreeSignal]);
  const long grace_ms = g.opt[kOptGraceMs];
  const long deadline = NowMs() + (grace_ms > 0 ? grace_ms : 0);
  if (tree_signal != SIGKILL && grace_ms > 0) {
    // Each process gets the death signal once, those that appear during the grace period (forked,
    // or handed to us when their parent dies; without pidfds only these) as they are found.
    g.seen.Clear();
    long pause = kFirstPauseMs;
    for (;;) {
      if (!ReapAll()) Exit(0);
      const int found = SignalNew(tree_signal);
      long left = deadline - NowMs();
      if (left <= 0) break;
      // Back to the first pause after a walk that found something, else doubled up to the cap.
      pause = found != 0 ? kFirstPauseMs : pause * 2 > kGracePauseMs ? kGracePauseMs : pause * 2;
      WaitEvents(left < pause ? left : pause, false);
    }
  }
  KillEverything();
  Exit(0);
}

// Runs in the guardian. Reads the messages the addon has queued, at most a batch: each kill
// request is carried out in order, a killTree() request identical to the one just before it only
// once (signals do not queue either). False on EOF (the parent is gone).
bool ReadControl(long* kill_deadline) {
  GuardianMessage last_tree = {0, 0, 0};
  for (int i = 0; i < kControlBatch; ++i) {
    GuardianMessage msg;
    const long n = ReceiveMessage(g.control_fd, &msg, nullptr);
    if (n == -EAGAIN) return true;
    if (n <= 0) return false;  // EOF or ECONNRESET: every copy of the parent's end is closed
    if (n != static_cast<long>(sizeof(msg))) continue;
    if (msg.type == kMsgKill) {
      if (!g.command_reaped) RawSyscall(SYS_kill, g.command, msg.a);
      last_tree.type = 0;
    } else if (msg.type == kMsgKillTree) {
      if (last_tree.type == kMsgKillTree && last_tree.a == msg.a && last_tree.b == msg.b) continue;
      last_tree = msg;
      // SIGKILL is the escalation itself: walk until nothing is left, however long that takes.
      if (msg.a == SIGKILL) {
        KillEverything();
        return true;
      }
      KillConverging(msg.a);
      if (msg.b >= 0) *kill_deadline = NowMs() + msg.b;
    }
  }
  return true;
}

// Runs in the guardian. Closes fds lo..hi (close_range where the kernel has it, >= 5.9).
void CloseRange(int lo, int hi) {
  if (lo > hi) return;
  if (RawSyscall(SYS_close_range, lo, static_cast<unsigned>(hi), 0) == 0) return;
  for (int fd = lo; fd <= hi && fd < 4096; ++fd) RawSyscall(SYS_close, fd);
}

// Runs in the guardian. True when the Node process that started us is gone.
bool ParentGone() {
  long ppid = RawSyscall(SYS_getppid);
  return ppid != g.opt[kOptParentPid];
}

// Runs in the guardian, before the command exists. Reports `negative_errno` as the launch's
// failure and exits.
[[noreturn]] void FailStart(long negative_errno) {
  Send(kMsgExecFailed, static_cast<int32_t>(-negative_errno), 0);
  Exit(0);
}

// Runs in the guardian. Becomes a subreaper, blocks every signal but reads SIGCHLD and the death
// signal from a signalfd, and maps the page the command child writes its exec error to.
void SetUp() {
  // Exec'd from a memfd, our comm would be the fd's number: name ourselves for ps and top.
  RawSyscall(SYS_prctl, PR_SET_NAME, reinterpret_cast<long>(kGuardianComm));
  // From the first instruction on, a dead parent is visible as EOF on the control socket: only the
  // Node process holds the other end. Ours is close-on-exec so the command inherits nothing extra.
  RawSyscall(SYS_fcntl, g.control_fd, F_SETFD, FD_CLOEXEC);
  if (long r = RawSyscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1); r < 0) FailStart(r);
  unsigned long mask = ~0UL;
  // Every signal stays blocked (the spawner thread's mask was emptied just before our exec).
  RawSyscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&mask), 0, 8);
  unsigned long wanted = (1UL << (SIGCHLD - 1)) | (1UL << (kGuardianDeathSignal - 1));
  g.signal_fd = static_cast<int>(
      RawSyscall(SYS_signalfd4, -1, reinterpret_cast<long>(&wanted), 8, SFD_CLOEXEC));
  if (g.signal_fd < 0) FailStart(g.signal_fd);
  long page =
      RawSyscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page < 0 && page > -4096) FailStart(page);
  g.exec_error = reinterpret_cast<int*>(page);
}

// Runs in the guardian. Starts the command and reports its pid (and pidfd), or its exec error and
// exits; then closes every fd but the control socket and the signalfd.
void StartCommand() {
  int pidfd = -1;
  const long pid = CloneCommand(&pidfd);
  if (pid < 0) FailStart(pid);
  g.command = pid;
  if (*g.exec_error != 0) {
    siginfo_t info;
    (void)WaitExit(static_cast<pid_t>(pid), &info, true);
    FailStart(-*g.exec_error);
  }
  // The command stays in Node's process group (job control and Ctrl-C rely on it); we leave it, so
  // that a signal to that group (`kill -9 -<pgid>`, `timeout -s KILL`, a shell's `kill %1`) leaves
  // us to clean up. In a group of our own whose only outside link is Node, a stop does not outlast
  // Node: when Node dies the group is orphaned, and the kernel sends a stopped member SIGHUP (which
  // stays blocked here) and SIGCONT.
  RawSyscall(SYS_setpgid, 0, 0);
  Send(kMsgStarted, static_cast<int32_t>(pid), 0, pidfd);
  if (pidfd >= 0) RawSyscall(SYS_close, pidfd);
  // The command has its own copies of the stdio fds: holding them would delay EOF on Node's pipes.
  const int low = g.control_fd < g.signal_fd ? g.control_fd : g.signal_fd;
  const int high = g.control_fd < g.signal_fd ? g.signal_fd : g.control_fd;
  CloseRange(0, low - 1);
  CloseRange(low + 1, high - 1);
  CloseRange(high + 1, ~0U >> 1);
}

// Runs in the guardian: reaps, carries out the addon's requests, and shuts the tree down once the
// parent is gone; exits when nothing is left to guard.
[[noreturn]] void Guard() {
  long kill_deadline = -1;  // killTree() with a grace period: SIGKILL the tree at this time
  for (;;) {
    if (!ReapAll() && g.command_reaped) Exit(0);
    long wait_ms = -1;
    if (kill_deadline >= 0) {
      wait_ms = kill_deadline - NowMs();
      if (wait_ms <= 0) {
        kill_deadline = -1;
        KillEverything();
        continue;
      }
    }
    int revents = WaitEvents(wait_ms, true);
    if ((revents & (POLLIN | POLLHUP | POLLERR)) && !ReadControl(&kill_deadline)) ShutDown();
    if (ParentGone()) ShutDown();
  }
}

// Runs in the guardian: its whole life (see the top of this file).
[[noreturn]] void Main(int argc, char** argv, char** envp) {
  if (argc < 2 || !ParseOptions(argv[1])) Exit(2);
  // Probe: the addon checks that we can run here, subreaper support included.
  if (g.flags & kFlagProbe) {
    Exit(RawSyscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1) == 0 ? 0 : kProbeNoSubreaper);
  }
  if (argc < 2 + g.opt[kOptCandidates] + 1) Exit(2);
  g.envp = envp;
  g.candidates = argv + 2;
  g.user_argv = const_cast<const char**>(argv + 2 + g.opt[kOptCandidates]);
  g.self = RawSyscall(SYS_getpid);
  g.seen = tree_walk::Seen{seen_slots, kSeenSlots, 1, 0};
  SetUp();
  if (ParentGone()) Exit(0);  // gone before we could watch it: start nothing
  StartCommand();
  Guard();
}

}  // namespace
}  // namespace tethered

extern "C" [[noreturn]] void GuardianStart(long* sp) {
  int argc = static_cast<int>(sp[0]);
  char** argv = reinterpret_cast<char**>(sp + 1);
  char** envp = argv + argc + 1;
  tethered::Main(argc, argv, envp);
}

// The process entry point: the kernel leaves argc, argv, envp on the stack.
#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".global _start\n"
    "_start:\n"
    "  xor %rbp, %rbp\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call GuardianStart\n"
    "  hlt\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".global _start\n"
    "_start:\n"
    "  mov x29, #0\n"
    "  mov x30, #0\n"
    "  mov x0, sp\n"
    "  bl GuardianStart\n"
    "  brk #0\n");
#else
#error "tethered-guardian: _start is written for x86_64 and aarch64 only"
#endif
