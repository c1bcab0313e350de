// Per-environment state (main thread and each Worker), kept as the env's instance data.
#ifndef TETHERED_ENV_STATE_H_
#define TETHERED_ENV_STATE_H_

#include <cstdint>
#include <memory>
#include <unordered_set>

#include "env_channel.h"
#include "napi.h"

namespace tethered {

class EnvState {
 public:
  std::shared_ptr<EnvChannel> channel;
  napi_threadsafe_function tsfn = nullptr;
  uint64_t env_id = 0;
  bool keep_alive = false;
  Napi::FunctionReference on_event;
  napi_async_context async_context = nullptr;
  napi_env env = nullptr;  // for napi_async_destroy at teardown
  // Parent ends of socketpairs that JS has not yet claimed (opened into a Pipe) or closed. A
  // Worker can be terminated between any two JS statements; whatever is left here when the
  // environment is torn down is closed then, so no fd outlives its environment.
  std::unordered_set<int> unclaimed_fds;
};

// Runs on a JS thread. This environment's state; nullptr before init() succeeded.
inline EnvState* State(Napi::Env env) { return env.GetInstanceData<EnvState>(); }

}  // namespace tethered

#endif  // TETHERED_ENV_STATE_H_
