// spawn(): a child launched through the spawner thread (spawnSync() is sync_runner.cc's).
#include <errno.h>

#include <memory>

#include "addon.h"
#include "env_state.h"
#include "js_values.h"
#include "spawner.h"

namespace tethered {

// spawn(<launch>, closeAfter, asyncToken): <launch> is ReadLaunch's. Sync (asyncToken 0):
// [pid, childId] or -errno. Async: 0 or -errno, then a kSpawned event. Owns the closeAfter fds
// from the moment it is called, whatever the outcome.
Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto request = std::make_unique<SpawnRequest>();
  EnvState* state = State(env);
  JsArgs args(info);
  for (int fd : args.Int32s(kLaunchArgCount, "closeAfter")) {
    request->close_after.emplace_back(fd);
    if (state != nullptr) state->unclaimed_fds.erase(fd);
  }
  ReadLaunch(&args, request.get());
  request->async_token = static_cast<uint32_t>(args.Double(kLaunchArgCount + 1, "asyncToken"));
  if (!args.ok()) return args.Failure();
  if (state == nullptr) return Napi::Number::New(env, -EINVAL);
  request->env_id = state->env_id;
  if (request->async_token != 0) {
    return Napi::Number::New(env, Spawner::Get().SpawnAsync(std::move(request)));
  }
  int err = Spawner::Get().SpawnSync(request.get());
  if (err != 0) return Napi::Number::New(env, err);
  return Napi::Value(env, NumberArray(env, {request->pid, request->child_id}));
}

}  // namespace tethered
