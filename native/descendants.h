// Signalling a child of ours that has no guardian together with its descendants: the verified
// /proc walk of tree_walk.h from the child, collected while the child runs, then the signals.
// Used by kill() with killDescendants, by killTree() and by the sync runner.
#ifndef TETHERED_DESCENDANTS_H_
#define TETHERED_DESCENDANTS_H_

#include <sys/types.h>
#include <unistd.h>

#include <memory>
#include <new>

#include "guardian/tree_walk.h"

namespace tethered {

constexpr int kMaxDescendants = 4096;  // descendants signalled per call

// Runs on a JS thread. Collects the verified descendants of the child `pid` (held by `pidfd`, or
// none found when pidfd < 0), then calls signal_child() (which signals the child itself and
// returns 0 or -errno), then signals the descendants, each through its pidfd. Collecting first
// means a descendant orphaned by the child's death is still one proven to be in the tree; a child
// already exited (its pidfd readable) proves nothing, so nothing but signal_child() is done.
// Returns what signal_child() returned.
template <typename SignalChild>
int SignalWithDescendants(pid_t pid, int pidfd, int sig, SignalChild signal_child) {
  tree_walk::Walk walk = {};
  walk.self = getpid();
  walk.sig = sig;
  walk.use_pidfd = true;
  int count = 0;
  std::unique_ptr<tree_walk::Found[]> found;
  if (pidfd >= 0 && sig != 0) {
    found.reset(new (std::nothrow) tree_walk::Found[kMaxDescendants]);
    if (found != nullptr) {
      tree_walk::CollectChildrenOf(&walk, found.get(), kMaxDescendants, &count, pid, pidfd, 0);
    }
  }
  const int err = signal_child();
  if (count > 0) tree_walk::SignalFound(&walk, found.get(), count);
  return err;
}

}  // namespace tethered

#endif  // TETHERED_DESCENDANTS_H_
