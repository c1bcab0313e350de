#include "sync_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "descendants.h"
#include "guardians.h"
#include "syscalls.h"
#include "unique_fd.h"

namespace tethered {
namespace {

// Node's SyncProcessOutputBuffer size: each read fills what is left of the current 64 KiB chunk,
// so output past maxBuffer is cut where Node's is.
constexpr size_t kChunk = 64 * 1024;
constexpr int kMaxPollMs = 50;  // backoff ceiling while polling an exit without a pidfd

// Runs on a JS thread. Milliseconds on the monotonic clock.
uint64_t NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

// One socketpair slot, parent side.
struct Pipe {
  size_t slot = 0;
  UniqueFd fd;
  bool writing = false;  // input left to write, or the shutdown still to do
  bool reading = false;  // reading the child's output until EOF
  const char* input = nullptr;
  size_t input_length = 0;
  size_t written = 0;
};

// The state of one synchronous run; lives on the calling thread's stack.
class Runner {
 public:
  Runner(SpawnRequest* request, const SyncOptions& options, SyncOutcome* outcome)
      : request_(request), options_(options), out_(outcome) {}

  // Runs on a JS thread.
  void Run() {
    const size_t count = options_.stdio.size();
    out_->output.assign(count, std::string());
    out_->has_output.assign(count, false);
    // Node starts its timeout timer before the spawn.
    const uint64_t start = NowMs();
    deadline_ = options_.timeout_ms == 0                   ? 0
                : options_.timeout_ms > UINT64_MAX - start ? UINT64_MAX
                                                           : start + options_.timeout_ms;
    timer_active_ = options_.timeout_ms > 0;
    if (int err = MakePipes(); err != 0) return SetError(err);
    request_->hand_back = true;  // a plain child (tree mode's fallback included) comes back to us
    if (request_->tree) {
      auto exit = std::make_shared<SyncTreeExit>();
      exit->event.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
      if (!exit->event.Valid()) return SetError(-errno);
      request_->sync_exit = exit;
    }
    if (int err = Spawner::Get().SpawnSync(request_); err != 0) return SetError(err);
    pid_ = request_->pid;  // in tree mode the command's, as the guardian reported it
    pidfd_.Reset(request_->pidfd);
    request_->pidfd = -1;
    tree_id_ = request_->child_id;  // nonzero only for a child under a guardian
    if (tree_id_ != 0) tree_exit_ = request_->sync_exit;
    out_->pid = pid_;
    for (Pipe& pipe : pipes_) {
      if (pipe.writing) Write(&pipe);
    }
    Loop();
    out_->exit_status = exit_status_;
    out_->term_signal = term_signal_;
    for (const Pipe& pipe : pipes_) {
      if (options_.stdio[pipe.slot].writable) out_->has_output[pipe.slot] = true;
    }
  }

 private:
  // Runs on a JS thread. Keeps the first run error and the first pipe error; the run error wins.
  void SetError(int err, bool pipe = false) {
    int& first = pipe ? pipe_error_ : error_;
    if (first == 0) first = err;
    out_->error = error_ != 0 ? error_ : pipe_error_;
  }

  // Runs on a JS thread. One socketpair per 'pipe' slot; the child ends go to the launch.
  [[nodiscard]] int MakePipes() {
    request_->fds.assign(options_.stdio.size(), -1);
    for (size_t i = 0; i < options_.stdio.size(); ++i) {
      const SyncStdio& slot = options_.stdio[i];
      if (!slot.pipe) {
        request_->fds[i] = slot.fd;
        continue;
      }
      int fds[2];
      if (int err = StreamSocketPair(fds, options_.pipe_buffer_size); err != 0) return err;
      UniqueFd parent(fds[0]);
      UniqueFd child(fds[1]);
      const int flags = fcntl(parent.Get(), F_GETFL);
      if (flags < 0 || fcntl(parent.Get(), F_SETFL, flags | O_NONBLOCK) != 0) return -errno;
      request_->fds[i] = child.Get();
      request_->close_after.push_back(std::move(child));
      Pipe pipe;
      pipe.slot = i;
      pipe.fd = std::move(parent);
      pipe.writing = slot.readable;
      pipe.reading = slot.writable;
      pipe.input = slot.input;
      pipe.input_length = slot.input != nullptr ? slot.input_length : 0;
      pipes_.push_back(std::move(pipe));
    }
    return 0;
  }

  bool PipesActive() const {
    for (const Pipe& pipe : pipes_) {
      if (pipe.writing || pipe.reading) return true;
    }
    return false;
  }

  // Runs on a JS thread. Writes what the socket takes, then shuts the write side down.
  void Write(Pipe* pipe) {
    while (pipe->written < pipe->input_length) {
      ssize_t n = send(pipe->fd.Get(), pipe->input + pipe->written,
                       pipe->input_length - pipe->written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        pipe->written += static_cast<size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // wait for POLLOUT
      SetError(-errno, true);  // EPIPE: the child closed its stdin (Node reports it too)
      pipe->writing = false;
      return;
    }
    // Linux never fails this with ENOTCONN for a socketpair; Node ignores that error anyway.
    if (shutdown(pipe->fd.Get(), SHUT_WR) != 0 && errno != ENOTCONN) SetError(-errno, true);
    pipe->writing = false;
  }

  // Runs on a JS thread. Reads until the socket is empty, EOF, an error or maxBuffer.
  void Read(Pipe* pipe) {
    std::string& out = out_->output[pipe->slot];
    while (pipe->reading) {
      const size_t before = out.size();
      const size_t room = kChunk - before % kChunk;
      out.resize(before + room);
      ssize_t n = read(pipe->fd.Get(), &out[before], room);
      out.resize(before + (n > 0 ? static_cast<size_t>(n) : 0));
      if (n == 0) {
        pipe->reading = false;  // EOF
      } else if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        SetError(-errno, true);
        pipe->reading = false;
      } else {
        buffered_ += static_cast<double>(n);
        if (options_.max_buffer > 0 && buffered_ > options_.max_buffer) {
          SetError(-ENOBUFS);
          Kill();
        }
      }
    }
  }

  // Runs on a JS thread. 0 or -errno, about the child. Only while the child is unreaped: only we
  // reap it. A tree command is signalled as kill() signals an async one: through its pidfd, or
  // (without pidfds) by its guardian; -ESRCH once its exit was reported. With kill_descendants,
  // every live descendant gets `sig` too, by the same paths as kill() with killDescendants.
  [[nodiscard]] int Signal(int sig) {
    const bool descendants = options_.kill_descendants;
    if (tree_id_ != 0) {
      return descendants ? Spawner::Get().KillWithDescendants(tree_id_, sig)
                         : Spawner::Get().Kill(tree_id_, sig);
    }
    auto signal_child = [&] { return SignalProcess(pidfd_.Get(), pid_, sig); };
    return descendants ? SignalWithDescendants(pid_, pidfd_.Get(), sig, signal_child)
                       : signal_child();
  }

  // Runs on a JS thread. Node's SyncProcessRunner::Kill: once; killSignal (SIGKILL if that
  // fails for another reason than ESRCH), then every pipe closed and the timer stopped.
  void Kill() {
    if (killed_) return;
    killed_ = true;
    if (!exited_) {
      int r = Signal(options_.kill_signal);
      if (r != 0 && r != -ESRCH) {
        SetError(r);
        (void)Signal(SIGKILL);
      }
    }
    for (Pipe& pipe : pipes_) {
      pipe.fd.Reset();
      pipe.writing = pipe.reading = false;
    }
    timer_active_ = false;
  }

  // Runs on a JS thread. Takes a tree command's exit if its guardian has reported it (blocking:
  // waits until it has). The guardian is the spawner's child: the spawner thread reaps it.
  void TakeTreeExit(bool block) {
    for (;;) {
      uint64_t count;
      if (read(tree_exit_->event.Get(), &count, sizeof(count)) < 0 && errno == EINTR) continue;
      {
        std::lock_guard<std::mutex> lock(tree_exit_->mu);
        if (tree_exit_->exited) {
          exited_ = true;
          exit_status_ = tree_exit_->term_signal != 0 ? 0 : tree_exit_->exit_code;
          term_signal_ = tree_exit_->term_signal;
          return;
        }
      }
      if (!block) return;
      struct pollfd fd = {tree_exit_->event.Get(), POLLIN, 0};
      (void)poll(&fd, 1, kMaxPollMs);  // a failed poll only makes this a bounded retry
    }
  }

  // Runs on a JS thread. Reaps our child if it has exited (blocking: waits until it has).
  void Reap(bool block) {
    if (tree_exit_ != nullptr) return TakeTreeExit(block);
    siginfo_t info;
    if (WaitExit(pid_, &info, block) == 0 && info.si_pid == 0) return;  // still running
    exited_ = true;
    pidfd_.Reset();
    ExitOf(info, &exit_status_, &term_signal_);
  }

  // Runs on a JS thread. One poll() over the pipes and the child's exit (its pidfd, or a tree
  // command's eventfd) until the child has exited and every pipe is done; without either the exit
  // is polled with waitid(WNOHANG) on a backoff.
  void Loop() {
    int backoff_ms = 1;
    std::vector<struct pollfd> fds;
    std::vector<Pipe*> polled;
    for (;;) {
      if (exited_ && !PipesActive()) return;
      if (timer_active_ && NowMs() >= deadline_) {
        SetError(-ETIMEDOUT);
        Kill();
        continue;
      }
      PollSet(&fds, &polled);
      const int exit_fd = tree_exit_ != nullptr ? tree_exit_->event.Get() : pidfd_.Get();
      const bool watch_exit = !exited_ && exit_fd >= 0;
      if (watch_exit) fds.push_back({exit_fd, POLLIN, 0});
      const bool poll_exit = !exited_ && exit_fd < 0;
      if (fds.empty() && poll_exit && !timer_active_) {
        Reap(true);  // nothing else to watch and no deadline: wait for exactly this child
        continue;
      }
      if (poll(fds.data(), fds.size(), PollTimeout(poll_exit ? backoff_ms : -1)) < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        // poll itself failed (ENOMEM): stop as Node stops on a fatal loop error, without aborting.
        SetError(-errno);
        Kill();
        if (!exited_) Reap(true);
        return;
      }
      const bool progress = ServicePipes(fds, polled);
      if (watch_exit && (fds.back().revents & POLLIN)) Reap(false);
      if (poll_exit) {
        Reap(false);
        backoff_ms = progress ? 1 : std::min(backoff_ms * 2, kMaxPollMs);
      }
    }
  }

  // Runs on a JS thread. The pipes still being written or read, and the events each waits for.
  void PollSet(std::vector<struct pollfd>* fds, std::vector<Pipe*>* polled) {
    fds->clear();
    polled->clear();
    for (Pipe& pipe : pipes_) {
      short events = (pipe.writing ? POLLOUT : 0) | (pipe.reading ? POLLIN : 0);
      if (events == 0) continue;
      fds->push_back({pipe.fd.Get(), events, 0});
      polled->push_back(&pipe);
    }
  }

  // Runs on a JS thread. poll()'s timeout: until the deadline, and at most `cap_ms` (-1: no cap).
  int PollTimeout(int cap_ms) const {
    int timeout = -1;
    if (timer_active_) {
      const uint64_t now = NowMs();
      const uint64_t left = deadline_ > now ? deadline_ - now : 0;
      timeout = left > INT32_MAX ? INT32_MAX : static_cast<int>(left);
    }
    return cap_ms >= 0 && (timeout < 0 || timeout > cap_ms) ? cap_ms : timeout;
  }

  // Runs on a JS thread. Writes and reads the pipes poll() found ready; true if any was.
  bool ServicePipes(const std::vector<struct pollfd>& fds, const std::vector<Pipe*>& polled) {
    bool progress = false;
    for (size_t i = 0; i < polled.size() && !killed_; ++i) {
      const short revents = fds[i].revents;
      if (revents == 0) continue;
      progress = true;
      Pipe* pipe = polled[i];
      if (pipe->writing && (revents & (POLLOUT | POLLERR | POLLHUP))) Write(pipe);
      if (!killed_ && pipe->reading && (revents & (POLLIN | POLLERR | POLLHUP))) Read(pipe);
    }
    return progress;
  }

  SpawnRequest* const request_;
  const SyncOptions& options_;
  SyncOutcome* const out_;
  std::vector<Pipe> pipes_;
  pid_t pid_ = 0;
  UniqueFd pidfd_;
  uint32_t tree_id_ = 0;                     // tree mode: the guardian's child id
  std::shared_ptr<SyncTreeExit> tree_exit_;  // tree mode: where the command's exit arrives
  bool exited_ = false;
  bool killed_ = false;
  int exit_status_ = -1;
  int term_signal_ = 0;
  int error_ = 0;
  int pipe_error_ = 0;
  double buffered_ = 0;
  bool timer_active_ = false;
  uint64_t deadline_ = 0;
};

}  // namespace

void RunSync(SpawnRequest* request, const SyncOptions& options, SyncOutcome* outcome) {
  // Runs on a JS thread.
  Runner runner(request, options, outcome);
  runner.Run();
}

}  // namespace tethered
