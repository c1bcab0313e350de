// Tree-mode children as the spawner thread sees them: one guardian each, talked to over its
// control socket (guardian_protocol.h). Launches wait here for the guardian's first report; exits
// arrive as messages; guardians are reaped when their control socket reaches EOF.
#ifndef TETHERED_GUARDIANS_H_
#define TETHERED_GUARDIANS_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "guardian/guardian_protocol.h"
#include "unique_fd.h"

namespace tethered {

struct SpawnRequest;

// Child ids of tree children have this bit set; the reaper's ids never do.
constexpr uint32_t kTreeIdBit = 0x40000000;
// Epoll tags: the low 32 bits are a child id. Reaper tags have nothing above them.
constexpr uint64_t kGuardianControlTag = 1ULL << 32;

class Guardians {
 public:
  // Runs on the spawner thread. `epoll_fd` is the spawner loop's epoll instance.
  explicit Guardians(int epoll_fd) : epoll_fd_(epoll_fd) {}

  // Runs on the spawner thread. A guardian was started for `request`; the request completes when
  // it reports (see OnControlReadable). 0, or -errno if it cannot be watched (then it is killed
  // and reaped here, and the caller completes the request with that error).
  [[nodiscard]] int Watch(SpawnRequest* request, pid_t guardian, UniqueFd control);
  // Runs on the spawner thread. The control socket of tree child `id` is readable or, while
  // messages wait in its outbox, writable. Returns the request to complete, if a message settled
  // one.
  SpawnRequest* OnControlReadable(uint32_t id);
  // Runs on the spawner thread. Retries reaping guardians that had not finished exiting at EOF;
  // returns how many are still waited for.
  int ReapStragglers();

  // Runs on any JS thread. Signals the command: 0 or -errno (-ESRCH once its exit was reported).
  [[nodiscard]] int Kill(uint32_t id, int sig);
  // Runs on any JS thread. Asks the guardian to signal the whole tree (SIGKILL after grace_ms
  // unless grace_ms < 0): 0 once the request is sent or queued for it (never dropped while the
  // guardian lives), or -ESRCH once the guardian is gone.
  [[nodiscard]] int KillTree(uint32_t id, int sig, int grace_ms);

 private:
  struct Entry {
    SpawnRequest* pending = nullptr;  // until the guardian's first report
    pid_t guardian = 0;
    UniqueFd control;
    pid_t command = 0;
    UniqueFd command_pidfd;
    uint64_t env_id = 0;
    bool exit_reported = false;
    UniqueFd sync_exit;  // a synchronous spawn's: its exit is written there ({code, signal})
    // Requests the control socket had no room for (a busy guardian), sent in order as it drains;
    // one identical to the last one queued is not queued again.
    std::deque<GuardianMessage> outbox;
    bool watching_writable = false;  // the spawner loop wakes on EPOLLOUT (outbox not empty)
  };

  // Runs on the spawner thread with mu_ held. Delivers the command's exit to its owner.
  void ReportExit(const Entry& entry, uint32_t id, int code, int sig);

  // Runs on the spawner thread with mu_ held. The guardian is gone (EOF): settle and forget it.
  SpawnRequest* CloseLocked(std::unordered_map<uint32_t, Entry>::iterator it);
  // Runs on any thread with mu_ held. Sends one message to the guardian, or queues it while the
  // socket is full: 0 or -errno.
  int SendLocked(uint32_t id, Entry& entry, int32_t type, int32_t a, int32_t b);
  // Runs on any thread with mu_ held. Sends what the outbox holds until the socket is full; asks
  // the spawner loop to wake on writability while something is left. 0 or -errno (not EAGAIN).
  int FlushLocked(uint32_t id, Entry& entry);

  const int epoll_fd_;
  std::mutex mu_;  // guards entries_ (JS threads signal while the spawner thread updates)
  std::unordered_map<uint32_t, Entry> entries_;
  uint32_t next_id_ = 1;
  std::vector<pid_t> stragglers_;  // spawner thread only
};

}  // namespace tethered

#endif  // TETHERED_GUARDIANS_H_
