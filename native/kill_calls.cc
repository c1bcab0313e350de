// kill() and killTree(): signalling a child, or a child and its descendants.
#include <errno.h>

#include "addon.h"
#include "descendants.h"
#include "js_values.h"
#include "spawner.h"
#include "syscalls.h"
#include "unique_fd.h"

namespace tethered {

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
// ours: its verified descendants and the child, while it runs (descendants.h). childId 0 names by
// `pid` a child this addon did not start (Node's own), which the caller knows is unreaped; it
// needs a pidfd. 0 or -errno.
Napi::Value KillTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JsArgs args(info);
  const uint32_t id = static_cast<uint32_t>(args.Double(0, "childId"));
  const int sig = args.Int32(1, "signal");
  const int grace_ms = args.Int32(2, "graceMs");
  const pid_t pid = id == 0 ? args.Int32(3, "pid") : 0;
  if (!args.ok()) return args.Failure();
  if (id & kTreeIdBit) return Napi::Number::New(env, Spawner::Get().KillTree(id, sig, grace_ms));
  if (id != 0) return Napi::Number::New(env, Spawner::Get().KillWithDescendants(id, sig));
  if (pid <= 0) return Napi::Number::New(env, -EINVAL);
  UniqueFd pidfd(PidfdOpen(pid));
  if (!pidfd.Valid()) return Napi::Number::New(env, pidfd.Get());
  return Napi::Number::New(env, SignalWithDescendants(pid, pidfd.Get(), sig, [&] {
                             return SignalProcess(pidfd.Get(), pid, sig);
                           }));
}

}  // namespace tethered
