// Routes events from the spawner thread to the JS thread of the environment that asked for them.
#ifndef TETHERED_ENV_CHANNEL_H_
#define TETHERED_ENV_CHANNEL_H_

#include <node_api.h>

#include <cstdint>
#include <memory>
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

// One environment's inbox. Filled on the spawner thread, drained on the env's JS thread.
class EnvChannel {
 public:
  explicit EnvChannel(napi_threadsafe_function tsfn) : tsfn_(tsfn) {}

  // Runs on the spawner thread (under the router lock). Wakes the JS thread once per batch.
  void Push(const ChildEvent& event);
  // Runs on the env's JS thread. Removes and returns the first pending event, if any.
  bool Pop(ChildEvent* event);
  // Runs on the env's JS thread. Asks for another wake-up (after a JS exception stopped a drain).
  void Rewake();

 private:
  napi_threadsafe_function tsfn_;
  std::mutex mu_;
  std::vector<ChildEvent> pending_;
  size_t next_ = 0;
};

// Process-wide map of live environments. Deliberately leaked.
class EnvRouter {
 public:
  static EnvRouter& Get();

  // Runs on a JS thread. Returns the id events for this environment are addressed to.
  uint64_t Add(std::shared_ptr<EnvChannel> channel);
  // Runs on a JS thread (env cleanup). After it returns no event reaches that channel.
  void Remove(uint64_t env_id);
  // Runs on the spawner thread. Drops the event if the environment is gone.
  void Post(uint64_t env_id, const ChildEvent& event);

 private:
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<EnvChannel>> channels_;
};

}  // namespace tethered

#endif  // TETHERED_ENV_CHANNEL_H_
