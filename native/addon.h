// The binding's JS entry points (their JS signatures: src/binding.ts), by the file that holds them,
// and the per-environment state they share. Each runs on the JS thread of the environment that
// calls it; failures come back as -errno.
#ifndef TETHERED_ADDON_H_
#define TETHERED_ADDON_H_

#include <cstdint>
#include <unordered_set>

#include "env_channel.h"
#include "napi.h"

namespace tethered {

// Per-environment state (main thread and each Worker), kept as the env's instance data.
struct EnvState {
  napi_threadsafe_function tsfn = nullptr;
  uint64_t env_id = 0;  // its inbox in the EnvRouter
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

// env_state.cc: per-environment state, event delivery and the fds an environment owns.
Napi::Value Init(const Napi::CallbackInfo& info);
Napi::Value SetKeepAlive(const Napi::CallbackInfo& info);
Napi::Value SocketPair(const Napi::CallbackInfo& info);
Napi::Value CloseFd(const Napi::CallbackInfo& info);
Napi::Value OpenPipes(const Napi::CallbackInfo& info);
// child_calls.cc
Napi::Value Spawn(const Napi::CallbackInfo& info);
Napi::Value Kill(const Napi::CallbackInfo& info);
Napi::Value KillTree(const Napi::CallbackInfo& info);
// sync_runner.cc
Napi::Value SpawnSync(const Napi::CallbackInfo& info);
// addon.cc
Napi::Value Facts(const Napi::CallbackInfo& info);
Napi::Value TreeSupportInfo(const Napi::CallbackInfo& info);

}  // namespace tethered

#endif  // TETHERED_ADDON_H_
