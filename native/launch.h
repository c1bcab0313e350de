// The plan a cloned child follows from clone() to execve(), and the child's entry point.
#ifndef TETHERED_LAUNCH_H_
#define TETHERED_LAUNCH_H_

#include <sys/types.h>

namespace tethered {

// What a child changes about itself before exec, as a SpawnRequest asks and a LaunchPlan applies
// (tree mode's guardian keeps Node's and leaves the request's to the command).
struct ChildSettings {
  bool detached = false;  // setsid()
  bool set_uid = false;
  bool set_gid = false;
  unsigned uid = 0;
  unsigned gid = 0;
  int death_signal = 0;  // 0: untethered
};

// Everything the child needs, prepared in plain memory before clone(). The child shares the
// parent's memory (CLONE_VM), so it reads this struct in place and writes only `error`,
// `fd_scratch[]` and, while it tries a candidate through /bin/sh, argv[-1..1].
struct LaunchPlan {
  const char** argv = nullptr;        // NULL-terminated, then one more NULL; argv[-1] is scratch
  const char* const* envp = nullptr;  // NULL-terminated
  const char* const* candidates = nullptr;  // paths to execve in order
  int candidate_count = 0;
  int exec_fd = -1;           // >= 0: execveat this fd instead (tree mode's helper)
  const char* cwd = nullptr;  // nullptr: keep the parent's
  const int* fds = nullptr;   // fds[i]: parent fd to become child fd i; -1 ignore
  int* fd_scratch = nullptr;  // fd_count ints of working space for the child
  int fd_count = 0;
  ChildSettings child;
  pid_t parent_pid = 0;  // getpid() of the Node process, saved before clone
  unsigned test_pause_before_death_signal_ms = 0;  // test knob; 0 in production

  int error = 0;  // positive errno written by the child when it fails; 0 after a successful exec
};

// Entry point of the cloned child (the `fn` of clone()). Never returns on success.
int LaunchChild(void* plan);

}  // namespace tethered

#endif  // TETHERED_LAUNCH_H_
