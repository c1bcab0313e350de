// Routes events from the spawner thread to the JS thread of the environment that asked for them.
#ifndef TETHERED_ENV_CHANNEL_H_
#define TETHERED_ENV_CHANNEL_H_

#include <node_api.h>

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tethered {

enum class EventKind : int32_t {
  kExit = 0,     // id = child id, a = exit code, b = terminating signal (0 if none)
  kSpawned = 1,  // id = async token, a = 0 or -errno, b = pid, c = child id
};

struct ChildEvent {
  EventKind kind;
  uint32_t id;
  int32_t a;
  int32_t b;
  uint32_t c;  // a child id for kSpawned: uint32, like `id`
};

// Process-wide map of live environments, each with its inbox. Deliberately leaked.
class EnvRouter {
 public:
  static EnvRouter& Get();

  // Runs on a JS thread. Returns the id events for this environment are addressed to; `tsfn`
  // wakes its JS thread.
  uint64_t Add(napi_threadsafe_function tsfn);
  // Runs on a JS thread (env cleanup). After it returns no event reaches that environment.
  void Remove(uint64_t env_id);
  // Runs on the spawner thread. Queues the event and wakes the JS thread once per batch; drops the
  // event if the environment is gone.
  void Post(uint64_t env_id, const ChildEvent& event);
  // Runs on the env's JS thread. Removes and returns its first pending event, if any.
  bool Pop(uint64_t env_id, ChildEvent* event);

 private:
  struct Inbox {
    napi_threadsafe_function tsfn;
    std::vector<ChildEvent> pending;
    size_t next = 0;
  };

  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Inbox> inboxes_;
};

}  // namespace tethered

#endif  // TETHERED_ENV_CHANNEL_H_
