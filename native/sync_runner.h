// spawnSync's runner: launches one child through the spawner thread, then feeds its stdin, reads
// its output and waits for it on the calling JS thread, as Node's SyncProcessRunner does.
#ifndef TETHERED_SYNC_RUNNER_H_
#define TETHERED_SYNC_RUNNER_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spawner.h"

namespace tethered {

// One stdio slot of a synchronous spawn, as Node's spawn_sync binding describes it.
struct SyncStdio {
  bool pipe = false;      // a socketpair; otherwise the child gets `fd` (-1: /dev/null or closed)
  bool readable = false;  // pipe: the child reads it (we write `input`, then shut it down)
  bool writable = false;  // pipe: the child writes it (we collect the bytes)
  int fd = -1;
  const char* input = nullptr;  // borrowed from the caller for the duration of RunSync
  size_t input_length = 0;
};

// What RunSync needs beyond the launch itself. Zero means "none" for timeout and max_buffer.
struct SyncOptions {
  std::vector<SyncStdio> stdio;
  uint64_t timeout_ms = 0;
  double max_buffer = 0;
  int kill_signal = 15;
  int pipe_buffer_size = 0;       // SO_SNDBUF/SO_RCVBUF for each socketpair; 0 leaves the default
  bool kill_descendants = false;  // the timeout/maxBuffer kill reaches every live descendant too
};

// The values Node's SyncProcessRunner puts in its result object.
struct SyncOutcome {
  int error = 0;         // -errno, 0 when none (Node's GetError(): run error first, then pipe)
  pid_t pid = 0;         // 0 when the child was never started
  int exit_status = -1;  // -1 when the child was never started
  int term_signal = 0;
  std::vector<std::string> output;  // per slot; meaningful where has_output[i]
  std::vector<bool> has_output;
};

// Runs on a JS thread (main or Worker); blocks it until the child has exited and every pipe is
// done. `request` carries the launch (file, argv, env, ids, death signal); its fds and
// close_after are filled in here. Failures are reported in the outcome, never thrown.
void RunSync(SpawnRequest* request, const SyncOptions& options, SyncOutcome* outcome);

}  // namespace tethered

#endif  // TETHERED_SYNC_RUNNER_H_
