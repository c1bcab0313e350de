// The process-wide spawner thread: clones every child, and runs the reaper loop.
#ifndef TETHERED_SPAWNER_H_
#define TETHERED_SPAWNER_H_

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "guardians.h"
#include "launch.h"
#include "unique_fd.h"

namespace tethered {

class Reaper;

// One spawn, as a flat value built on the JS thread. The spawner fills in the result.
struct SpawnRequest {
  std::string file;
  std::vector<std::string> args;      // argv, argv[0] included
  std::vector<std::string> env;       // "KEY=value"
  std::string cwd;                    // "": keep the parent's
  std::vector<int> fds;               // child fd i <- fds[i]; -1 ignore
  std::vector<UniqueFd> close_after;  // child ends of socketpairs, closed after the launch
  ChildSettings child;
  uint64_t env_id = 0;
  uint32_t async_token = 0;  // nonzero: spawned asynchronously, reported as a kSpawned event
  // spawnSync: the reaper does not watch the child; its pid and pidfd go back to the caller, which
  // waits for it and reaps it itself (sync_runner.cc).
  bool hand_back = false;
  bool tree = false;  // start it under a guardian (tree mode)
  // spawnSync in tree mode: the socket the command's exit is written to once the guardian reports
  // it. The guardian is not handed back (hand_back only applies when tree mode falls back to a
  // plain launch).
  UniqueFd sync_exit;
  int tree_grace_ms = 0;  // the guardian's grace period before SIGKILL
  bool probe = false;     // not a spawn: find out whether the guardian can run here
  bool awaiting = false;  // set by the spawner: completes when the guardian reports

  int result = 0;  // 0 or -errno
  pid_t pid = 0;
  uint32_t child_id = 0;
  int pidfd = -1;  // hand_back only: the child's pidfd, owned by the caller (-1 without pidfds)

  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
};

// Runs on the spawner thread. The paths execvp would try for `file`, from the child's env PATH.
std::vector<std::string> PathCandidates(const std::string& file,
                                        const std::vector<std::string>& env);
// Runs on the spawner thread. A LaunchPlan and the arrays it points into, kept until the clone
// returns: argv is a scratch slot (argv[-1]), `head`, the strings of each tail, two NULLs; envp is
// `env`; the exec candidates are `candidates`, in order; child fd i gets fds[i].
class PlannedLaunch {
 public:
  PlannedLaunch(std::initializer_list<const char*> head,
                std::initializer_list<const std::vector<std::string>*> tails,
                const std::vector<std::string>& env, std::vector<std::string> candidates,
                const std::vector<int>& fds);
  PlannedLaunch(const PlannedLaunch&) = delete;
  PlannedLaunch& operator=(const PlannedLaunch&) = delete;

  LaunchPlan plan;

 private:
  std::vector<std::string> candidates_;
  std::vector<const char*> argv_, envp_, candidate_ptrs_;
  std::vector<int> fds_, fd_scratch_;
};

// What this process can do, found out once the spawner has started.
struct SpawnerFacts {
  bool started = false;
  bool pidfd = false;             // exits watched through pidfds (else polled by pid, because:)
  bool pidfd_forced_off = false;  // TETHERED_NO_PIDFD=1
  int pidfd_open_error = 0;       // -errno of pidfd_open (-ENOSYS, -EPERM)
  int start_error = 0;  // -errno of the last failed attempt to start the thread, while !started
};

// Whether tree mode's helper can run in this process (found out by running it once), and what
// failed where it cannot: codes, worded in src/tree-support.ts. A -ENOSYS from running the helper
// means it ran but the kernel refused PR_SET_CHILD_SUBREAPER.
struct TreeSupport {
  enum MemfdStep : int { kMemfdRan = 0, kMemfdDisabled, kMemfdCreate, kMemfdExec, kNoThread };
  bool ok = false;
  MemfdStep memfd_step = kMemfdRan;  // how far the embedded copy got (kNoThread: not tried)
  int memfd_error = 0;               // -errno of that step
  std::string file_path;             // the file fallback, when tried ("": its path is unknown)
  int file_error = 0;                // -errno of running it; 0 when it ran or was not tried
};

class Spawner {
 public:
  static Spawner& Get();

  // Runs on a JS thread. Blocks until the child has exec'd or failed. 0 or -errno.
  [[nodiscard]] int SpawnSync(SpawnRequest* request);
  // Runs on a JS thread. Queues the request; the outcome arrives as an EventKind::kSpawned event.
  [[nodiscard]] int SpawnAsync(std::unique_ptr<SpawnRequest> request);
  // Runs on a JS thread. 0 or -errno.
  [[nodiscard]] int Kill(uint32_t child_id, int sig);
  // Runs on a JS thread. Asks the guardian of tree child `id` to signal the whole tree (SIGKILL
  // after grace_ms unless grace_ms < 0); any other child: KillWithDescendants.
  [[nodiscard]] int KillTree(uint32_t child_id, int sig, int grace_ms);
  // Runs on a JS thread. kill() with killDescendants: `sig` to the child and every live descendant
  // at once, each process once; returns what Kill() would (about the child alone).
  [[nodiscard]] int KillWithDescendants(uint32_t child_id, int sig);
  // Runs on a JS thread.
  SpawnerFacts Facts();
  // Runs on a JS thread. Runs the guardian once (first call only; may block about a millisecond).
  TreeSupport Tree();

 private:
  Spawner() = default;
  [[nodiscard]] int EnsureStarted();
  bool Started();
  [[nodiscard]] int CheckPidfd();
  [[nodiscard]] int Enqueue(SpawnRequest* request);
  static void* ThreadMain(void* self);
  void Loop();
  void DrainQueue();
  void Launch(SpawnRequest* request);
  [[nodiscard]] int Clone(LaunchPlan* plan, pid_t* pid, UniqueFd* pidfd);
  void Complete(SpawnRequest* request);
  [[nodiscard]] int EnsureStack();
  // tree_launch.cc
  void LaunchTree(SpawnRequest* request);
  void ProbeTree(SpawnRequest* request);
  [[nodiscard]] int RunProbe(int exec_fd, const std::string& path);

  std::mutex mu_;  // guards queue_, and facts_, reaper_, guardians_ until facts_.started
  std::deque<SpawnRequest*> queue_;
  SpawnerFacts facts_;  // fixed once started: the spawner thread reads it without the lock
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::unique_ptr<Reaper> reaper_;
  std::unique_ptr<Guardians> guardians_;
  unsigned test_walk_pause_ms_ = 0;
  unsigned test_guardian_pause_ms_ = 0;
  bool test_scan_proc_ = false;
  // Written on the spawner thread (ProbeTree), under mu_ for the JS threads that read them.
  bool tree_probed_ = false;
  TreeSupport tree_;
  unsigned test_pause_ms_ = 0;

  // Spawner-thread-only state.
  void* stack_ = nullptr;
  size_t stack_size_ = 0;
  bool clone_pidfd_works_ = true;
  bool pidfd_open_works_ = true;
  UniqueFd guardian_memfd_;    // the embedded guardian, sealed, once it ran here (tree_launch.cc)
  std::string guardian_path_;  // else the file that ran here
};

}  // namespace tethered

#endif  // TETHERED_SPAWNER_H_
