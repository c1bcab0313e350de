// Watches live children, reaps them by pid (never a wildcard wait), delivers their exits.
#ifndef TETHERED_REAPER_H_
#define TETHERED_REAPER_H_

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace tethered {

class Reaper {
 public:
  // Runs on a JS thread (spawner start-up). `epoll_fd` is the spawner loop's epoll instance;
  // `first_id` the first child id handed out (1 unless a test starts near the uint32 wrap).
  Reaper(int epoll_fd, uint32_t first_id) : epoll_fd_(epoll_fd), next_id_(first_id) {}

  // Runs on the spawner thread. Takes ownership of `pidfd` (-1 without pidfd support) and starts
  // watching the child; returns its id (never 0). Exits go to `env_id`.
  uint32_t Watch(pid_t pid, int pidfd, uint64_t env_id);
  // Runs on the spawner thread. The pidfd of child `id` became readable.
  void OnPidfdReadable(uint32_t id);
  // Runs on the spawner thread. Polls children that have no pidfd; returns how many were reaped.
  int PollWithoutPidfd();
  // Runs on the spawner thread. Number of live children that can only be polled.
  int PolledCount() const { return polled_count_; }

  // Runs on any JS thread. Signals child `id`: 0 or -errno (-ESRCH once it has been reaped).
  [[nodiscard]] int Kill(uint32_t id, int sig);
  // Runs on any JS thread. A duplicate of child `id`'s pidfd (the caller closes it) and its pid,
  // or -errno (-ESRCH once reaped, -ENOSYS without a pidfd).
  [[nodiscard]] int DupPidfd(uint32_t id, pid_t* pid);

 private:
  struct Child {
    pid_t pid;
    int pidfd;
    uint64_t env_id;
  };

  // Runs on the spawner thread with mu_ held. Reaps child `id` if it has exited.
  bool TryReapLocked(std::unordered_map<uint32_t, Child>::iterator it);

  const int epoll_fd_;
  std::mutex mu_;  // guards children_: Kill() must never signal a reaped pid
  std::unordered_map<uint32_t, Child> children_;
  uint32_t next_id_;
  int polled_count_ = 0;
};

}  // namespace tethered

#endif  // TETHERED_REAPER_H_
