// kill() and killTree(): signalling a child, or a child and its descendants.
#include <errno.h>
#include <unistd.h>

#include <vector>

#include "addon.h"
#include "guardian/tree_walk.h"
#include "guardians.h"
#include "js_values.h"
#include "spawner.h"
#include "syscalls.h"
#include "unique_fd.h"

namespace tethered {
namespace {

constexpr int kMaxFound = 4096;  // descendants signalled per killTree() of a child without guardian

}  // namespace

// kill(childId, signal): 0 or -errno.
Napi::Value Kill(const Napi::CallbackInfo& info) {
  JsArgs args(info);
  const uint32_t id = static_cast<uint32_t>(args.Double(0, "childId"));
  const int sig = args.Int32(1, "signal");
  if (!args.ok()) return args.Failure();
  return Napi::Number::New(info.Env(), Spawner::Get().Kill(id, sig));
}

// killTree(childId, signal, graceMs, pid): a tree child's guardian signals every descendant
// (SIGKILL after graceMs unless graceMs < 0). Any other child: its descendants, each verified and
// held by a pidfd (tree_walk.h), are found from here while the child lives, then the child is
// signalled, then they are. childId 0 names by `pid` a child this addon did not start (Node's
// own), which the caller knows is unreaped; it needs a pidfd. 0 or -errno.
Napi::Value KillTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JsArgs args(info);
  const uint32_t id = static_cast<uint32_t>(args.Double(0, "childId"));
  const int sig = args.Int32(1, "signal");
  const int grace_ms = args.Int32(2, "graceMs");
  pid_t pid = id == 0 ? args.Int32(3, "pid") : 0;
  if (!args.ok()) return args.Failure();
  if (id & kTreeIdBit) return Napi::Number::New(env, Spawner::Get().KillTree(id, sig, grace_ms));
  if (id == 0 && pid <= 0) return Napi::Number::New(env, -EINVAL);
  const int fd = id != 0 ? Spawner::Get().DupPidfd(id, &pid) : PidfdOpen(pid);
  if (id == 0 && fd < 0) return Napi::Number::New(env, fd);
  UniqueFd held(fd >= 0 ? fd : -1);  // without it, only the child is signalled
  std::vector<tree_walk::Found> found(held.Valid() ? kMaxFound : 0);
  tree_walk::Walk walk = {};
  walk.self = getpid();
  walk.sig = sig;
  walk.use_pidfd = true;
  int count = 0;
  if (held.Valid()) {
    tree_walk::CollectChildrenOf(&walk, found.data(), kMaxFound, &count, pid, held.Get(), 0);
  }
  const int err = id != 0 ? Spawner::Get().Kill(id, sig) : SignalProcess(held.Get(), pid, sig);
  tree_walk::SignalFound(&walk, found.data(), count);
  return Napi::Number::New(env, err);
}

}  // namespace tethered
