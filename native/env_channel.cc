#include "env_channel.h"

namespace tethered {

void EnvChannel::Push(const ChildEvent& event) {
  // Runs on the spawner thread; never calls Node-API except the thread-safe wake-up.
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_empty = next_ == pending_.size();
    pending_.push_back(event);
  }
  if (was_empty) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
}

bool EnvChannel::Pop(ChildEvent* event) {
  // Runs on the env's JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  if (next_ == pending_.size()) {
    pending_.clear();
    next_ = 0;
    return false;
  }
  *event = pending_[next_++];
  return true;
}

void EnvChannel::Rewake() {
  // Runs on the env's JS thread.
  napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
}

EnvRouter& EnvRouter::Get() {
  static EnvRouter& router = *new EnvRouter;  // leaked: threads may outlive static destructors
  return router;
}

uint64_t EnvRouter::Add(std::shared_ptr<EnvChannel> channel) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_id_++;
  channels_.emplace(id, std::move(channel));
  return id;
}

void EnvRouter::Remove(uint64_t env_id) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  channels_.erase(env_id);
}

void EnvRouter::Post(uint64_t env_id, const ChildEvent& event) {
  // Runs on the spawner thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = channels_.find(env_id);
  if (it != channels_.end()) it->second->Push(event);
}

}  // namespace tethered
