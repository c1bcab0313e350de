// Tree mode on the spawner thread: starting a child under a guardian, and finding out once
// whether the guardian can run here at all. See docs/design.md, "Tree mode".
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "guardian/guardian_protocol.h"
#include "guardians.h"
#include "launch.h"
#include "spawner.h"
#include "syscalls.h"

namespace tethered {
namespace {

constexpr int kProbeNoSubreaper = 3;  // the guardian's exit code when PR_SET_CHILD_SUBREAPER fails

// Runs on the spawner thread. The guardian's option field (see guardian_protocol.h).
std::string GuardianOptions(int control_fd, int tree_signal, int grace_ms, int flags, unsigned uid,
                            unsigned gid, size_t candidates, pid_t parent, unsigned pause_ms,
                            unsigned walk_pause_ms) {
  char buf[256];
  snprintf(buf, sizeof(buf), "%d,%d,%d,%d,%d,%u,%u,%zu,%d,%u,%u", kGuardianVersion, control_fd,
           tree_signal, grace_ms, flags, uid, gid, candidates, static_cast<int>(parent), pause_ms,
           walk_pause_ms);
  return buf;
}

}  // namespace

bool Spawner::TreeUsable() {
  // Runs on the spawner thread. The probe ran and found that the guardian runs here.
  std::lock_guard<std::mutex> lock(mu_);
  return tree_probed_ && tree_.ok;
}

void Spawner::LaunchTree(SpawnRequest* request) {
  // Runs on the spawner thread. Clones the guardian through the ordinary child path (launch.cc);
  // the request completes when the guardian reports the command's pid or exec error.
  if (!TreeUsable()) return Launch(request);  // JS falls back before asking; this is for strays
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    request->result = -errno;
    request->close_after.clear();
    return;
  }
  UniqueFd mine(pair[0]);
  UniqueFd theirs(pair[1]);

  // The control socket goes into the slot after the user's last one (never below 3).
  std::vector<int> fds = request->fds;
  while (fds.size() < 3) fds.push_back(-1);
  const int control_slot = static_cast<int>(fds.size());
  fds.push_back(theirs.Get());

  const std::vector<std::string> candidates = PathCandidates(request->file, request->env);
  const ChildSettings& child = request->child;
  const int flags = (child.detached ? kFlagDetached : 0) | (child.set_uid ? kFlagSetUid : 0) |
                    (child.set_gid ? kFlagSetGid : 0) | (force_no_pidfd_ ? kFlagNoPidfd : 0) |
                    (test_scan_proc_ ? kFlagScanProc : 0);
  const std::string options = GuardianOptions(
      control_slot, child.death_signal, request->tree_grace_ms, flags, child.uid, child.gid,
      candidates.size(), getpid(), test_guardian_pause_ms_, test_walk_pause_ms_);

  // The command's argv and environment travel as the guardian's own: no copy, and E2BIG still
  // comes from the kernel.
  std::vector<const char*> argv =
      PlanArgv({kGuardianArgv0, options.c_str()}, candidates, request->args);
  const std::vector<const char*> envp = CStrings(request->env);
  const char* file_candidate = guardian_path_.c_str();
  std::vector<int> fd_scratch;
  LaunchPlan plan = MakePlan(&argv, envp.data(), &file_candidate, 1, fds, &fd_scratch);
  plan.exec_fd = guardian_use_memfd_ ? guardian_image_.memfd() : -1;
  plan.cwd = request->cwd.empty() ? nullptr : request->cwd.c_str();
  // setsid and the ids are the command's (the guardian keeps Node's credentials, so it can
  // always signal the tree); the guardian's own death signal is one it reads, not dies of.
  plan.child.death_signal = kGuardianDeathSignal;
  plan.test_pause_before_death_signal_ms = test_pause_ms_;
  pid_t pid = 0;
  UniqueFd pidfd;  // unused: the guardian's exit shows as EOF on the control socket
  request->result = Clone(&plan, &pid, &pidfd);
  request->close_after.clear();
  theirs.Reset();
  if (request->result != 0) return;
  request->result = guardians_->Watch(request, pid, std::move(mine));
  request->awaiting = request->result == 0;
}

int Spawner::RunProbe(int exec_fd, const std::string& path) {
  // Runs on the spawner thread. Runs the guardian in probe mode and waits for it: 0, -ENOSYS when
  // it runs but the kernel has no PR_SET_CHILD_SUBREAPER, or -errno (-ENOEXEC: it did not run).
  const std::string options =
      GuardianOptions(3, kGuardianDeathSignal, 0, kFlagProbe, 0, 0, 0, getpid(), 0, 0);
  std::vector<const char*> argv = PlanArgv({kGuardianArgv0, options.c_str()}, {});
  const char* envp[] = {nullptr};
  const char* candidate = path.c_str();
  const std::vector<int> fds = {-1, -1, -1};
  std::vector<int> fd_scratch;
  LaunchPlan plan = MakePlan(&argv, envp, &candidate, 1, fds, &fd_scratch);
  plan.exec_fd = exec_fd;
  pid_t pid = 0;
  UniqueFd pidfd;
  if (int err = Clone(&plan, &pid, &pidfd); err != 0) return err;
  siginfo_t info = {};
  if (int err = WaitExit(pid, &info, true); err != 0) return err;
  if (info.si_code != CLD_EXITED) return -ENOEXEC;
  return info.si_status == 0 ? 0 : info.si_status == kProbeNoSubreaper ? -ENOSYS : -ENOEXEC;
}

void Spawner::ProbeTree(SpawnRequest* request) {
  // Runs on the spawner thread. Finds out how (and whether) the guardian runs here, once.
  request->result = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tree_probed_) return;
  }
  TreeSupport tree;
  if (getenv("TETHERED_TEST_NO_MEMFD") != nullptr) {
    tree.memfd_step = TreeSupport::kMemfdDisabled;
  } else if (int err = guardian_image_.MakeMemfd(); err != 0) {
    tree.memfd_step = TreeSupport::kMemfdCreate;
    tree.memfd_error = err;
  } else if (err = RunProbe(guardian_image_.memfd(), std::string()); err != 0) {
    tree.memfd_step = TreeSupport::kMemfdExec;
    tree.memfd_error = err;
  } else {
    tree.ok = guardian_use_memfd_ = true;
  }
  const bool no_subreaper =
      tree.memfd_step == TreeSupport::kMemfdExec && tree.memfd_error == -ENOSYS;
  if (!tree.ok && !no_subreaper) {  // without a subreaper the file would not help
    tree.file_path = guardian_image_.FilePath();
    tree.file_error = tree.file_path.empty() ? -ENOENT : RunProbe(-1, tree.file_path);
    tree.ok = tree.file_error == 0;
    if (tree.ok) guardian_path_ = tree.file_path;
  }
  // Out of fds, memory or processes: ask again next time.
  auto transient = [](int err) {
    return err == -EMFILE || err == -ENFILE || err == -ENOMEM || err == -EAGAIN;
  };
  std::lock_guard<std::mutex> lock(mu_);
  tree_probed_ = tree.ok || !(transient(tree.memfd_error) || transient(tree.file_error));
  tree_ = tree;
}

}  // namespace tethered
