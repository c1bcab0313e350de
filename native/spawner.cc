#include "spawner.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>

#include "env_channel.h"
#include "guardians.h"
#include "launch.h"
#include "reaper.h"
#include "syscalls.h"

namespace tethered {
namespace {

constexpr size_t kStackSize = 64 * 1024;
constexpr int kMaxPollMs = 50;
constexpr uint64_t kWakeTag = 0;  // epoll tag of the wake eventfd; child ids are never 0

unsigned EnvUnsigned(const char* name) {
  const char* value = getenv(name);
  return value == nullptr ? 0 : static_cast<unsigned>(strtoul(value, nullptr, 10));
}

}  // namespace

// Runs on the spawner thread. The directories execvp would search, from the child's env.
std::vector<std::string> PathCandidates(const std::string& file,
                                        const std::vector<std::string>& env) {
  if (file.find('/') != std::string::npos) return {file};
  std::string_view path = "/bin:/usr/bin";  // glibc's default when the environment has no PATH
  for (const auto& pair : env) {
    if (pair.compare(0, 5, "PATH=") == 0) {
      path = std::string_view(pair).substr(5);
      break;
    }
  }
  // One allocation per candidate, none for PATH or its entries: this runs for every spawn.
  std::vector<std::string> candidates;
  for (size_t start = 0;;) {
    const size_t end = path.find(':', start);
    const std::string_view dir =
        path.substr(start, end == std::string_view::npos ? end : end - start);
    if (dir.empty()) {
      candidates.push_back(file);  // an empty entry means the current directory
    } else {
      std::string& candidate = candidates.emplace_back();
      candidate.reserve(dir.size() + 1 + file.size());
      candidate.append(dir).append(1, '/').append(file);
    }
    if (end == std::string_view::npos) return candidates;
    start = end + 1;
  }
}

namespace {

// Runs on a JS thread. Keeps this shared object mapped for the life of the process. Node dlcloses
// an addon when the last environment that loaded it is torn down (a Worker that exits), but the
// spawner thread runs code from it until the process ends: unmapping it would crash that thread.
int PinSharedObject() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&PinSharedObject), &info) == 0 || info.dli_fname == nullptr) {
    return -ELIBACC;
  }
  // One more reference, never released, and RTLD_NODELETE so that no dlclose can unmap it.
  void* handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  return handle == nullptr ? -ELIBACC : 0;
}

// Runs on a JS thread. Starts `main(arg)` on a detached thread with every signal blocked, so no
// signal handler ever runs on it (or on a child that shares its memory), and it never takes a
// process-directed signal. 0 or an errno (positive, as pthread_create returns it).
int StartThread(void* (*main)(void*), void* arg) {
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  int err = pthread_create(&thread, &attr, main, arg);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return err;
}

}  // namespace

Spawner& Spawner::Get() {
  static Spawner& spawner = *new Spawner;  // leaked on purpose: its thread never exits
  return spawner;
}

int Spawner::CheckPidfd() {
  // Runs on a JS thread, with mu_ held. Whether exits can be watched through pidfds: 1 or 0, or
  // -errno when pidfd_open failed for want of fds or memory, which says nothing about the kernel
  // (this start fails; the next spawn tries again).
  facts_.pidfd_forced_off = EnvUnsigned("TETHERED_NO_PIDFD") != 0;
  facts_.pidfd_open_error = 0;
  if (facts_.pidfd_forced_off) return 0;
  const int probe = PidfdOpen(getpid());
  if (probe == -ENOSYS || probe == -EPERM) {  // Linux < 5.3, or a seccomp filter
    facts_.pidfd_open_error = probe;
    return 0;
  }
  if (probe < 0) return probe;
  close(probe);
  return 1;
}

int Spawner::EnsureStarted() {
  // Runs on a JS thread, with mu_ held by the caller.
  if (facts_.started) return 0;
  test_pause_ms_ = EnvUnsigned("TETHERED_TEST_PAUSE_BEFORE_PRCTL_MS");
  test_guardian_pause_ms_ = EnvUnsigned("TETHERED_TEST_GUARDIAN_PAUSE_BEFORE_PRCTL_MS");
  test_walk_pause_ms_ = EnvUnsigned("TETHERED_TEST_WALK_PAUSE_MS");
  test_scan_proc_ = EnvUnsigned("TETHERED_TEST_SCAN_PROC") != 0;
  // Test knob: pthread_create fails as it does when the process is out of threads (EAGAIN), after
  // every other resource was made, so the cleanup below is exercised. Read on each attempt, so a
  // later spawn succeeds once the variable is unset.
  const bool fail_thread_start = EnvUnsigned("TETHERED_TEST_FAIL_THREAD_START") != 0;
  facts_.start_error = 0;
  if (int err = PinSharedObject(); err != 0) return facts_.start_error = err;

  UniqueFd epoll_fd(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_fd.Valid()) return facts_.start_error = -errno;
  UniqueFd wake_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd.Valid()) return facts_.start_error = -errno;
  if (int err = EpollControl(epoll_fd.Get(), EPOLL_CTL_ADD, wake_fd.Get(), EPOLLIN, kWakeTag)) {
    return facts_.start_error = err;
  }

  const int pidfd = CheckPidfd();
  if (pidfd < 0) return facts_.start_error = pidfd;

  epoll_fd_ = epoll_fd.Get();
  wake_fd_ = wake_fd.Get();
  // Test knob: start child ids near the int32/uint32 boundaries (read once, at start-up).
  const unsigned first_id = EnvUnsigned("TETHERED_TEST_FIRST_CHILD_ID");
  reaper_ = std::make_unique<Reaper>(epoll_fd_, first_id == 0 ? 1 : first_id);
  guardians_ = std::make_unique<Guardians>(epoll_fd_);

  int err = fail_thread_start ? EAGAIN : StartThread(&Spawner::ThreadMain, this);
  if (err != 0) {
    reaper_.reset();
    guardians_.reset();
    epoll_fd_ = wake_fd_ = -1;
    return facts_.start_error = -err;  // the UniqueFds close both descriptors
  }
  (void)epoll_fd.Release();
  (void)wake_fd.Release();
  facts_.pidfd = pidfd == 1;
  facts_.started = true;
  return 0;
}

void* Spawner::ThreadMain(void* self) {
  // Runs on the spawner thread; never calls Node-API.
  pthread_setname_np(pthread_self(), "tethered-spawn");
  static_cast<Spawner*>(self)->Loop();
  return nullptr;
}

int Spawner::Enqueue(SpawnRequest* request) {
  // Runs on a JS thread.
  {
    std::lock_guard<std::mutex> lock(mu_);
    int err = EnsureStarted();
    if (err != 0) return err;
    queue_.push_back(request);
  }
  const uint64_t one = 1;
  ssize_t written = write(wake_fd_, &one, sizeof(one));
  (void)written;  // EAGAIN only when the counter is saturated: the thread is awake anyway
  return 0;
}

int Spawner::SpawnSync(SpawnRequest* request) {
  // Runs on a JS thread.
  int err = Enqueue(request);
  if (err != 0) return err;
  std::unique_lock<std::mutex> lock(request->done_mu);
  request->done_cv.wait(lock, [request] { return request->done; });
  return request->result;
}

int Spawner::SpawnAsync(std::unique_ptr<SpawnRequest> request) {
  // Runs on a JS thread.
  int err = Enqueue(request.get());
  if (err != 0) return err;
  (void)request.release();  // owned by the queue now; Complete() deletes it
  return 0;
}

bool Spawner::Started() {
  // Runs on a JS thread. Once true, reaper_ and guardians_ are set for good.
  std::lock_guard<std::mutex> lock(mu_);
  return facts_.started;
}

int Spawner::Kill(uint32_t child_id, int sig) {
  // Runs on a JS thread.
  if (!Started()) return -ESRCH;
  return child_id & kTreeIdBit ? guardians_->Kill(child_id, sig) : reaper_->Kill(child_id, sig);
}

int Spawner::KillTree(uint32_t child_id, int sig, int grace_ms) {
  // Runs on a JS thread.
  if (!(child_id & kTreeIdBit)) return KillWithDescendants(child_id, sig);
  return Started() ? guardians_->KillTree(child_id, sig, grace_ms) : -ESRCH;
}

int Spawner::KillWithDescendants(uint32_t child_id, int sig) {
  // Runs on a JS thread.
  if (sig == 0) return Kill(child_id, 0);
  if (child_id & kTreeIdBit) {
    // The guardian collects the command and every descendant, then signals each once. Whether
    // the command could be signalled (kill()'s answer) is asked first, with signal 0.
    const int err = Kill(child_id, 0);
    if (err != 0) return err;
    return KillTree(child_id, sig, -1) == 0 ? 0 : Kill(child_id, sig);
  }
  pid_t pid = 0;
  UniqueFd pidfd(Started() ? reaper_->DupPidfd(child_id, &pid) : -ESRCH);
  // No pidfd (none, reaped, or no fd to spare): the child alone, by the reaper's own path.
  if (!pidfd.Valid()) return Kill(child_id, sig);
  return SignalWithDescendants(pid, pidfd.Get(), sig);
}

TreeSupport Spawner::Tree() {
  // Runs on a JS thread.
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tree_probed_) return tree_;
  }
  SpawnRequest probe;
  probe.probe = true;
  int err = SpawnSync(&probe);
  std::lock_guard<std::mutex> lock(mu_);
  // The spawner thread could not start: not cached, it may start later.
  if (err != 0) return TreeSupport{false, TreeSupport::kNoThread, 0, {}, 0};
  return tree_;  // cached unless the probe failed for want of a resource (ProbeTree)
}

SpawnerFacts Spawner::Facts() {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  (void)EnsureStarted();  // on failure facts_.started stays false and says so
  return facts_;
}

void Spawner::Loop() {
  // Runs on the spawner thread; never calls Node-API (except thread-safe function wake-ups).
  struct epoll_event events[64];
  int poll_ms = 1;
  for (;;) {
    const bool polling = reaper_->PolledCount() > 0 || guardians_->ReapStragglers() > 0;
    const int timeout = polling ? poll_ms : -1;
    int n = epoll_wait(epoll_fd_, events, 64, timeout);
    if (n < 0) n = 0;  // EINTR cannot happen with every signal blocked; treat as a tick
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeTag) {
        uint64_t count;
        ssize_t got = read(wake_fd_, &count, sizeof(count));
        (void)got;
        DrainQueue();
        poll_ms = 1;
      } else if (events[i].data.u64 & kGuardianControlTag) {
        SpawnRequest* settled =
            guardians_->OnControlReadable(static_cast<uint32_t>(events[i].data.u64));
        if (settled != nullptr) Complete(settled);
      } else {
        reaper_->OnPidfdReadable(static_cast<uint32_t>(events[i].data.u64));
      }
    }
    if (reaper_->PolledCount() > 0) {
      // Without pidfds there is no exit notification we may use: poll our own pids, backing off
      // while nothing exits.
      poll_ms = reaper_->PollWithoutPidfd() > 0 ? 1 : std::min(poll_ms * 2, kMaxPollMs);
    }
  }
}

void Spawner::DrainQueue() {
  // Runs on the spawner thread.
  std::deque<SpawnRequest*> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
  }
  for (SpawnRequest* request : batch) {
    if (request->probe) {
      ProbeTree(request);
    } else if (request->tree) {
      LaunchTree(request);
    } else {
      Launch(request);
    }
    if (!request->awaiting) Complete(request);  // else when its guardian reports
  }
}

int Spawner::EnsureStack() {
  // Runs on the spawner thread.
  if (stack_ != nullptr) return 0;
  if (EnvUnsigned("TETHERED_TEST_FAIL_STACK_MMAP") != 0) return -ENOMEM;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t total = kStackSize + page;
  void* mem =
      mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (mem == MAP_FAILED) return -errno;
  if (mprotect(mem, page, PROT_NONE) != 0) {  // guard page below the stack
    int err = errno;
    munmap(mem, total);
    return -err;
  }
  stack_ = mem;
  stack_size_ = total;
  return 0;
}

int Spawner::Clone(LaunchPlan* plan, pid_t* pid, UniqueFd* pidfd) {
  // Runs on the spawner thread. Clones a child that follows `plan`: 0 with its pid (and pidfd, if
  // there is one), or -errno. A child that failed before exec is reaped here.
  if (int err = EnsureStack(); err != 0) return err;
  plan->parent_pid = getpid();
  // A child's setuid/setgid resets the dumpable flag of the memory it shares with us.
  const int dumpable = plan->child.set_uid || plan->child.set_gid ? prctl(PR_GET_DUMPABLE) : -1;
  // glibc's clone() wrapper, not the raw syscall: it puts the arguments in each architecture's
  // kernel order (x86_64: flags, stack, parent_tid, child_tid, tls; aarch64 is CLONE_BACKWARDS:
  // flags, stack, parent_tid, tls, child_tid), and CLONE_PIDFD's fd comes back through parent_tid,
  // the wrapper's fifth argument, on both. The stack grows down on both: pass its highest address
  // (page aligned, so 16-byte aligned as aarch64 requires).
  void* stack_top = static_cast<char*>(stack_) + stack_size_;
  const int flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
  int fd = -1;
  *pid = -1;
  if (facts_.pidfd && clone_pidfd_works_) {
    *pid = clone(LaunchChild, stack_top, flags | CLONE_PIDFD, plan, &fd);
    if (*pid < 0 && errno == EINVAL) clone_pidfd_works_ = false;  // kernel < 5.2: pidfd_open
  }
  if (*pid < 0 && (!facts_.pidfd || !clone_pidfd_works_)) {
    *pid = clone(LaunchChild, stack_top, flags, plan);
    if (*pid >= 0 && facts_.pidfd && pidfd_open_works_) {
      fd = PidfdOpen(*pid);
      // ENOSYS or EPERM: never again; any other failure: this child alone is polled.
      if (fd == -ENOSYS || fd == -EPERM) pidfd_open_works_ = false;
    }
  }
  const int clone_errno = errno;
  if (dumpable >= 0) prctl(PR_SET_DUMPABLE, dumpable);
  if (*pid < 0) return -clone_errno;
  pidfd->Reset(fd >= 0 ? fd : -1);
  if (plan->error == 0) return 0;
  siginfo_t info;
  (void)WaitExit(*pid, &info, true);  // it has exited: reap it, report why
  pidfd->Reset();
  return -plan->error;
}

PlannedLaunch::PlannedLaunch(std::initializer_list<const char*> head,
                             std::initializer_list<const std::vector<std::string>*> tails,
                             const std::vector<std::string>& env,
                             std::vector<std::string> candidates, const std::vector<int>& fds)
    : candidates_(std::move(candidates)), fds_(fds), fd_scratch_(fds.size()) {
  argv_.push_back(nullptr);
  argv_.insert(argv_.end(), head);
  for (const auto* tail : tails) {
    for (const auto& s : *tail) argv_.push_back(s.c_str());
  }
  argv_.insert(argv_.end(), {nullptr, nullptr});
  envp_.reserve(env.size() + 1);
  for (const auto& s : env) envp_.push_back(s.c_str());
  envp_.push_back(nullptr);
  for (const auto& s : candidates_) candidate_ptrs_.push_back(s.c_str());
  plan.argv = argv_.data() + 1;
  plan.envp = envp_.data();
  plan.candidates = candidate_ptrs_.data();
  plan.candidate_count = static_cast<int>(candidate_ptrs_.size());
  plan.fds = fds_.data();
  plan.fd_scratch = fd_scratch_.data();
  plan.fd_count = static_cast<int>(fds_.size());
}

void Spawner::Launch(SpawnRequest* request) {
  // Runs on the spawner thread. Prepares the plan, clones, and reports the outcome.
  PlannedLaunch planned({}, {&request->args}, request->env,
                        PathCandidates(request->file, request->env), request->fds);
  LaunchPlan& plan = planned.plan;
  plan.cwd = request->cwd.empty() ? nullptr : request->cwd.c_str();
  plan.child = request->child;
  plan.test_pause_before_death_signal_ms = test_pause_ms_;
  UniqueFd pidfd;
  request->result = Clone(&plan, &request->pid, &pidfd);
  request->close_after.clear();  // the child has its copies (or never will)
  if (request->result != 0) {
    request->pid = 0;
  } else if (request->hand_back) {
    request->pidfd = pidfd.Release();  // the caller waits for this child; the reaper never sees it
  } else {
    request->child_id = reaper_->Watch(request->pid, pidfd.Release(), request->env_id);
  }
}

void Spawner::Complete(SpawnRequest* request) {
  // Runs on the spawner thread.
  if (request->async_token != 0) {
    EnvRouter::Get().Post(request->env_id,
                          ChildEvent{EventKind::kSpawned, request->async_token, request->result,
                                     request->pid, request->child_id});
    delete request;
    return;
  }
  std::lock_guard<std::mutex> lock(request->done_mu);
  request->done = true;
  request->done_cv.notify_one();
}

}  // namespace tethered
