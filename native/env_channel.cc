#include "env_channel.h"

namespace tethered {

EnvRouter& EnvRouter::Get() {
  static EnvRouter& router = *new EnvRouter;  // leaked: threads may outlive static destructors
  return router;
}

uint64_t EnvRouter::Add(napi_threadsafe_function tsfn) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_id_++;
  inboxes_.emplace(id, Inbox{tsfn, {}, 0});
  return id;
}

void EnvRouter::Remove(uint64_t env_id) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  inboxes_.erase(env_id);
}

void EnvRouter::Post(uint64_t env_id, const ChildEvent& event) {
  // Runs on the spawner thread; never calls Node-API except the thread-safe wake-up.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = inboxes_.find(env_id);
  if (it == inboxes_.end()) return;
  Inbox& inbox = it->second;
  const bool was_empty = inbox.next == inbox.pending.size();
  inbox.pending.push_back(event);
  if (was_empty) napi_call_threadsafe_function(inbox.tsfn, nullptr, napi_tsfn_nonblocking);
}

bool EnvRouter::Pop(uint64_t env_id, ChildEvent* event) {
  // Runs on the env's JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = inboxes_.find(env_id);
  if (it == inboxes_.end()) return false;
  Inbox& inbox = it->second;
  if (inbox.next == inbox.pending.size()) {
    inbox.pending.clear();
    inbox.next = 0;
    return false;
  }
  *event = inbox.pending[inbox.next++];
  return true;
}

}  // namespace tethered
