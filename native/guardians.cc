#include "guardians.h"

#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "env_channel.h"
#include "guardian/guardian_protocol.h"
#include "spawner.h"
#include "syscalls.h"

namespace tethered {

int Guardians::Watch(SpawnRequest* request, pid_t guardian, UniqueFd control) {
  // Runs on the spawner thread.
  std::lock_guard<std::mutex> lock(mu_);
  uint32_t id;
  do {
    id = kTreeIdBit | (next_id_++ & (kTreeIdBit - 1));
  } while (entries_.count(id) != 0);
  const uint64_t tag = kGuardianControlTag | id;
  if (int err = EpollControl(epoll_fd_, EPOLL_CTL_ADD, control.Get(), EPOLLIN, tag); err != 0) {
    kill(guardian, SIGKILL);  // our own unreaped child: the pid is still its own
    siginfo_t info;
    (void)WaitExit(guardian, &info, true);
    return err;
  }
  Entry& entry = entries_[id];
  entry.pending = request;
  entry.guardian = guardian;
  entry.control = std::move(control);
  entry.env_id = request->env_id;
  entry.sync_exit = std::move(request->sync_exit);
  request->child_id = id;
  return 0;
}

SpawnRequest* Guardians::OnControlReadable(uint32_t id) {
  // Runs on the spawner thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  Entry& entry = it->second;
  if (!entry.outbox.empty()) {
    // Some requests wait for room: send them. An error here means the guardian is gone; EOF
    // follows on the read side.
    int err = FlushLocked(id, entry);
    (void)err;
  }
  GuardianMessage msg;
  int passed_fd = -1;
  long n = ReceiveMessage(entry.control.Get(), &msg, &passed_fd);
  UniqueFd passed(passed_fd);
  if (n == -EAGAIN) return nullptr;
  if (n <= 0) return CloseLocked(it);  // EOF: the guardian has exited (or is exiting)
  if (n != static_cast<long>(sizeof(msg))) return nullptr;
  SpawnRequest* settled = nullptr;
  switch (msg.type) {
    case kMsgStarted:
      if (entry.pending == nullptr) break;
      entry.command = msg.a;
      entry.command_pidfd = std::move(passed);  // none without pidfds
      settled = std::exchange(entry.pending, nullptr);
      settled->pid = msg.a;
      settled->result = 0;
      break;
    case kMsgExecFailed:
      if (entry.pending == nullptr) break;
      settled = std::exchange(entry.pending, nullptr);
      settled->result = msg.a > 0 ? -msg.a : -EINVAL;
      settled->child_id = 0;
      entry.exit_reported = true;  // nothing ran: no exit to deliver
      break;
    case kMsgExited:
      if (entry.exit_reported || entry.command == 0) break;
      entry.exit_reported = true;
      entry.command_pidfd.Reset();
      ReportExit(entry, id, msg.a, msg.b);
      break;
    default:
      break;
  }
  return settled;
}

void Guardians::ReportExit(const Entry& entry, uint32_t id, int code, int sig) {
  // Runs on the spawner thread with mu_ held.
  if (!entry.sync_exit.Valid()) {
    EnvRouter::Get().Post(entry.env_id, ChildEvent{EventKind::kExit, id, code, sig, 0});
    return;
  }
  const int32_t status[2] = {code, sig};
  ssize_t sent = send(entry.sync_exit.Get(), status, sizeof(status), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)sent;  // an empty socket takes it; a runner that is gone reads nothing anyway
}

SpawnRequest* Guardians::CloseLocked(std::unordered_map<uint32_t, Entry>::iterator it) {
  // Runs on the spawner thread with mu_ held.
  Entry& entry = it->second;
  SpawnRequest* settled = std::exchange(entry.pending, nullptr);
  if (settled != nullptr) {
    // The guardian died before its first report (killed from outside): nothing was started.
    settled->result = -EAGAIN;
    settled->child_id = 0;
  } else if (!entry.exit_reported && entry.command != 0) {
    // The guardian was killed before it could report the command's exit; the command died with
    // it (its death signal toward the guardian is SIGKILL).
    ReportExit(entry, it->first, 0, SIGKILL);
  }
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, entry.control.Get(), nullptr);
  const pid_t guardian = entry.guardian;
  entries_.erase(it);  // closes the control socket and the command's pidfd
  siginfo_t info;
  // EOF comes from exit_files(), a moment before the exit is reapable: retry from the loop.
  if (WaitExit(guardian, &info, false) == 0 && info.si_pid == 0) stragglers_.push_back(guardian);
  return settled;
}

int Guardians::ReapStragglers() {
  // Runs on the spawner thread.
  for (size_t i = 0; i < stragglers_.size();) {
    siginfo_t info;
    if (WaitExit(stragglers_[i], &info, false) == 0 && info.si_pid == 0) {
      ++i;
    } else {
      stragglers_[i] = stragglers_.back();
      stragglers_.pop_back();
    }
  }
  return static_cast<int>(stragglers_.size());
}

int Guardians::FlushLocked(uint32_t id, Entry& entry) {
  // Runs on any thread with mu_ held.
  while (!entry.outbox.empty()) {
    const long n = SendMessage(entry.control.Get(), entry.outbox.front(), -1, MSG_DONTWAIT);
    if (n == -EAGAIN) break;
    if (n != static_cast<long>(sizeof(GuardianMessage))) return n < 0 ? static_cast<int>(n) : -EIO;
    entry.outbox.pop_front();
  }
  const bool waiting = !entry.outbox.empty();
  if (waiting == entry.watching_writable) return 0;
  const uint32_t events = waiting ? EPOLLIN | EPOLLOUT : EPOLLIN;
  const uint64_t tag = kGuardianControlTag | id;
  if (int err = EpollControl(epoll_fd_, EPOLL_CTL_MOD, entry.control.Get(), events, tag))
    return err;
  entry.watching_writable = waiting;
  return 0;
}

int Guardians::SendLocked(uint32_t id, Entry& entry, int32_t type, int32_t a, int32_t b) {
  // Runs on any thread with mu_ held.
  const GuardianMessage msg = {type, a, b};
  if (!entry.outbox.empty()) {
    const GuardianMessage& last = entry.outbox.back();
    if (last.type == type && last.a == a && last.b == b) return 0;  // already on its way
  }
  entry.outbox.push_back(msg);
  return FlushLocked(id, entry);
}

int Guardians::Kill(uint32_t id, int sig) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.exit_reported || it->second.command == 0) return -ESRCH;
  const Entry& entry = it->second;
  if (entry.command_pidfd.Valid()) return SignalProcess(entry.command_pidfd.Get(), 0, sig);
  // Without a pidfd only the guardian can signal the command without risking a reused pid.
  if (sig == 0) return 0;  // it exists: its exit has not been reported
  return SendLocked(id, it->second, kMsgKill, sig, 0);
}

int Guardians::KillTree(uint32_t id, int sig, int grace_ms) {
  // Runs on a JS thread.
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.pending != nullptr) return -ESRCH;
  return SendLocked(id, it->second, kMsgKillTree, sig, grace_ms);
}

}  // namespace tethered
