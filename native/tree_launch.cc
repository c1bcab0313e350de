// Tree mode on the spawner thread: starting a child under a guardian, and finding out once
// whether the guardian can run here at all. See docs/design.md, "Tree mode".
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "guardian/guardian_protocol.h"
#include "guardians.h"
#include "launch.h"
#include "spawner.h"

namespace tethered {
namespace {

constexpr int kProbeNoSubreaper = 3;
constexpr const char* kNoSubreaper =
    "PR_SET_CHILD_SUBREAPER is not supported here (Linux < 3.4, or an emulator such as "
    "qemu-user)";  // the guardian's exit code when PR_SET_CHILD_SUBREAPER fails

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

// Runs on the spawner thread. "EACCES" for -EACCES (the names the README's errors use).
std::string ErrnoText(int negative_errno) {
  switch (-negative_errno) {
    case ENOENT:
      return "ENOENT";
    case EACCES:
      return "EACCES";
    case EPERM:
      return "EPERM";
    case ENOEXEC:
      return "ENOEXEC";
    case ENOSYS:
      return "ENOSYS";
    case EINVAL:
      return "EINVAL";
    case ENOMEM:
      return "ENOMEM";
    case EMFILE:
      return "EMFILE";
    case ENFILE:
      return "ENFILE";
    case EAGAIN:
      return "EAGAIN";
    default:
      return "errno " + std::to_string(-negative_errno);
  }
}

}  // namespace

void Spawner::LaunchTree(SpawnRequest* request) {
  // Runs on the spawner thread. Clones the guardian through the ordinary child path (launch.cc);
  // the request completes when the guardian reports the command's pid or exec error.
  bool usable;
  {
    std::lock_guard<std::mutex> lock(mu_);
    usable = tree_probed_ && tree_.ok;
  }
  if (!usable) {  // the JS side falls back before asking; this keeps a stray request working
    Launch(request);
    return;
  }
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

  std::vector<std::string> candidates = PathCandidates(request->file, request->env);
  int flags = 0;
  if (request->detached) flags |= kFlagDetached;
  if (request->set_uid) flags |= kFlagSetUid;
  if (request->set_gid) flags |= kFlagSetGid;
  if (force_no_pidfd_) flags |= kFlagNoPidfd;
  if (test_scan_proc_) flags |= kFlagScanProc;
  const std::string options = GuardianOptions(
      control_slot, request->death_signal, request->tree_grace_ms, flags, request->uid,
      request->gid, candidates.size(), getpid(), test_guardian_pause_ms_, test_walk_pause_ms_);

  // The command's argv and environment travel as the guardian's own: no copy, and E2BIG still
  // comes from the kernel.
  std::vector<const char*> argv;
  argv.reserve(2 + candidates.size() + request->args.size() + 1);
  argv.push_back(kGuardianArgv0);
  argv.push_back(options.c_str());
  for (const auto& c : candidates) argv.push_back(c.c_str());
  for (const auto& a : request->args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::vector<const char*> envp = CStrings(request->env);
  const char* file_candidates[] = {guardian_path_.c_str(), nullptr};
  const char* sh_argv[] = {"/bin/sh", nullptr, nullptr};
  std::vector<int> fd_scratch(fds.size());

  LaunchPlan plan;
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.candidates = file_candidates;
  plan.exec_fd = guardian_use_memfd_ ? guardian_image_.memfd() : -1;
  plan.sh_argv = sh_argv;
  plan.cwd = request->has_cwd ? request->cwd.c_str() : nullptr;
  plan.fds = fds.data();
  plan.fd_scratch = fd_scratch.data();
  plan.fd_count = static_cast<int>(fds.size());
  // setsid and the ids are the command's (the guardian keeps Node's credentials, so it can
  // always signal the tree); the guardian's own death signal is one it reads, not dies of.
  plan.death_signal = kGuardianDeathSignal;
  plan.parent_pid = getpid();
  plan.test_pause_before_death_signal_ms = test_pause_ms_;

  int err = EnsureStack();
  if (err != 0) {
    request->result = err;
    request->close_after.clear();
    return;
  }
  int pidfd = -1;
  pid_t pid = CloneChild(&plan, &pidfd);
  const int clone_errno = errno;
  if (pidfd >= 0) close(pidfd);  // the guardian's exit shows as EOF on the control socket
  request->close_after.clear();
  theirs.Reset();
  if (pid < 0) {
    request->result = -clone_errno;
    return;
  }
  if (plan.error != 0) {  // failed before exec (bad cwd, fds): reap it, report why
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    request->result = -plan.error;
    return;
  }
  err = guardians_->Watch(request, pid, std::move(mine));
  if (err != 0) {
    request->result = err;
    return;
  }
  request->awaiting = true;
}

int Spawner::RunProbe(int exec_fd, const std::string& path) {
  // Runs on the spawner thread. Runs the guardian in probe mode and waits for it: 0 or -errno.
  const std::string options =
      GuardianOptions(3, kGuardianDeathSignal, 0, kFlagProbe, 0, 0, 0, getpid(), 0, 0);
  const char* argv[] = {kGuardianArgv0, options.c_str(), nullptr};
  const char* envp[] = {nullptr};
  const char* candidates[] = {path.c_str(), nullptr};
  const char* sh_argv[] = {"/bin/sh", nullptr, nullptr};
  const int fds[] = {-1, -1, -1};
  int fd_scratch[3];
  LaunchPlan plan;
  plan.argv = argv;
  plan.envp = envp;
  plan.candidates = candidates;
  plan.exec_fd = exec_fd;
  plan.sh_argv = sh_argv;
  plan.fds = fds;
  plan.fd_scratch = fd_scratch;
  plan.fd_count = 3;
  plan.parent_pid = getpid();
  int err = EnsureStack();
  if (err != 0) return err;
  int pidfd = -1;
  pid_t pid = CloneChild(&plan, &pidfd);
  if (pid < 0) return -errno;
  if (pidfd >= 0) close(pidfd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (plan.error != 0) return -plan.error;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kProbeNoSubreaper) return -ENOSYS;
  return -ENOEXEC;
}

void Spawner::ProbeTree(SpawnRequest* request) {
  // Runs on the spawner thread. Finds out how (and whether) the guardian runs here, once.
  request->result = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (tree_probed_) return;
  }
  std::string reason;
  bool ok = false;
  bool transient = false;  // out of fds, memory or processes: ask again next time
  auto note = [&transient](int err) {
    if (err == -EMFILE || err == -ENFILE || err == -ENOMEM || err == -EAGAIN) transient = true;
    return err;
  };
  if (getenv("TETHERED_TEST_NO_MEMFD") != nullptr) {
    reason = "TETHERED_TEST_NO_MEMFD is set";
  } else if (int err = note(guardian_image_.MakeMemfd()); err != 0) {
    reason = "memfd_create failed (" + ErrnoText(err) + ")";
  } else if (err = note(RunProbe(guardian_image_.memfd(), std::string())); err == 0) {
    ok = true;
    guardian_use_memfd_ = true;
  } else if (err == -ENOSYS) {
    reason = kNoSubreaper;
  } else {
    reason = "the helper cannot be executed from a memfd (" + ErrnoText(err) + ")";
  }
  if (!ok && reason.find("SUBREAPER") == std::string::npos) {
    const std::string path = guardian_image_.FilePath();
    int err = path.empty() ? -ENOENT : note(RunProbe(-1, path));
    if (err == 0) {
      ok = true;
      guardian_path_ = path;
    } else if (err == -ENOSYS) {
      reason += std::string("; the helper file ") + path + " runs, but " + kNoSubreaper;
    } else {
      reason += "; the helper file " + (path.empty() ? std::string("(unknown path)") : path) +
                " cannot be executed (" + ErrnoText(err) + ")";
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  tree_probed_ = ok || !transient;
  tree_.ok = ok;
  tree_.reason = ok ? std::string() : reason;
}

}  // namespace tethered
