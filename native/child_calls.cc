// spawn(), kill() and killTree(): the calls about one child (spawnSync() is sync_runner.cc's).
#include <errno.h>

#include <memory>

#include "addon.h"
#include "js_values.h"
#include "spawner.h"
#include "syscalls.h"
#include "unique_fd.h"

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

// kill(childId, signal, withDescendants): 0 or -errno, about the child alone. withDescendants:
// every live descendant gets the signal too (Spawner::KillWithDescendants).
Napi::Value Kill(const Napi::CallbackInfo& info) {
  JsArgs args(info);
  const uint32_t id = static_cast<uint32_t>(args.Double(0, "childId"));
  const int sig = args.Int32(1, "signal");
  const bool with_descendants = args.Bool(2, "withDescendants");
  if (!args.ok()) return args.Failure();
  Spawner& spawner = Spawner::Get();
  return Napi::Number::New(
      info.Env(), with_descendants ? spawner.KillWithDescendants(id, sig) : spawner.Kill(id, sig));
}

// killTree(childId, signal, graceMs, pid): a tree child's guardian signals every descendant
// (SIGKILL after graceMs unless graceMs < 0), even after the child's own exit. Any other child of
// ours: its verified descendants and the child, while it runs (SignalWithDescendants). childId 0
// names by `pid` a child this addon did not start (Node's own), which the caller knows is unreaped;
// it needs a pidfd. 0 or -errno.
Napi::Value KillTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JsArgs args(info);
  const uint32_t id = static_cast<uint32_t>(args.Double(0, "childId"));
  const int sig = args.Int32(1, "signal");
  const int grace_ms = args.Int32(2, "graceMs");
  const pid_t pid = id == 0 ? args.Int32(3, "pid") : 0;
  if (!args.ok()) return args.Failure();
  if (id != 0) return Napi::Number::New(env, Spawner::Get().KillTree(id, sig, grace_ms));
  if (pid <= 0) return Napi::Number::New(env, -EINVAL);
  UniqueFd pidfd(PidfdOpen(pid));
  if (!pidfd.Valid()) return Napi::Number::New(env, pidfd.Get());
  return Napi::Number::New(env, SignalWithDescendants(pid, pidfd.Get(), sig));
}

}  // namespace tethered
