// The binding's JS entry points (their JS signatures: src/binding.ts), by the file that holds them.
// Each runs on the JS thread of the environment that calls it; failures come back as -errno.
#ifndef TETHERED_ADDON_H_
#define TETHERED_ADDON_H_

#include "napi.h"

namespace tethered {

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
