// spawnSync(): one child launched through the spawner thread, then its stdin fed, its output read
// and its exit waited for on the calling JS thread, as Node's SyncProcessRunner does.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "addon.h"
#include "js_values.h"
#include "spawner.h"
#include "syscalls.h"
#include "unique_fd.h"

namespace tethered {
namespace {

// Node's SyncProcessOutputBuffer size: each read fills what is left of the current 64 KiB chunk,
// so output past maxBuffer is cut where Node's is.
constexpr size_t kChunk = 64 * 1024;
constexpr int kMaxPollMs = 50;  // backoff ceiling while polling an exit without a pidfd

// One pipe slot of the call, parent side: a socketpair made by MakePipes.
struct Pipe {
  size_t slot = 0;
  UniqueFd fd;
  bool collects = false;        // the child writes it: its output is part of the result
  bool writing = false;         // input left to write, or the shutdown still to do
  bool reading = false;         // reading the child's output until EOF
  const char* input = nullptr;  // borrowed from the caller for the duration of the call
  size_t input_length = 0;
  size_t written = 0;
  std::string output;
};

// One synchronous run, with the arguments spawnSync() has after the launch; lives on the calling
// thread's stack. Mirrors Node's SyncProcessRunner.
class Runner {
 public:
  // Runs on a JS thread. Reads pipes, inputs, timeoutMs, maxBuffer, killSignal, pipeBufferSize
  // and killDescendants from `args` (see SpawnSync).
  Runner(SpawnRequest* request, JsArgs* args) : request_(request) {
    constexpr size_t kPipes = kLaunchArgCount;
    const std::vector<int> pipes = args->Int32s(kPipes, "pipes");
    slots_ = pipes.size();
    for (uint32_t i = 0; i < pipes.size() && args->ok(); ++i) {
      if (pipes[i] < 0) continue;
      Pipe& pipe = pipes_.emplace_back();
      pipe.slot = i;
      pipe.writing = (pipes[i] & 1) != 0;
      pipe.reading = pipe.collects = (pipes[i] & 2) != 0;
      if (pipe.writing) pipe.input = args->Bytes(kPipes + 1, i, "inputs", &pipe.input_length);
    }
    const double timeout = args->Double(kPipes + 2, "timeoutMs");
    // Node allows up to 2^53 - 1: the clamp is far above that (never reached, never overflows).
    timeout_ms_ = timeout > 0 ? static_cast<long>(std::min(timeout, 1e18)) : 0;
    max_buffer_ = args->Double(kPipes + 3, "maxBuffer");
    kill_signal_ = args->Int32(kPipes + 4, "killSignal");
    pipe_buffer_size_ = args->Int32(kPipes + 5, "pipeBufferSize");
    kill_descendants_ = args->Bool(kPipes + 6, "killDescendants");
  }

  size_t slots() const { return slots_; }

  // Runs on a JS thread; blocks it until the child has exited and every pipe is done. Failures
  // are kept for Result(), never thrown.
  void Run() {
    deadline_ = NowMs() + timeout_ms_;  // Node starts its timeout timer before the spawn
    timer_active_ = timeout_ms_ > 0;
    if (int err = MakePipes(); err != 0) return SetError(err);
    request_->hand_back = true;  // a plain child (tree mode's fallback included) comes back to us
    if (request_->tree) {
      int ends[2];
      if (int err = StreamSocketPair(ends, 0); err != 0) return SetError(err);
      tree_exit_.Reset(ends[0]);
      request_->sync_exit.Reset(ends[1]);
    }
    if (int err = Spawner::Get().SpawnSync(request_); err != 0) return SetError(err);
    pid_ = request_->pid;  // in tree mode the command's, as the guardian reported it
    pidfd_.Reset(request_->pidfd);
    request_->pidfd = -1;
    tree_id_ = request_->child_id;          // nonzero only for a child under a guardian
    if (tree_id_ == 0) tree_exit_.Reset();  // not under a guardian after all
    for (Pipe& pipe : pipes_) {
      if (pipe.writing) Write(&pipe);
    }
    Loop();
    ran_ = true;
  }

  // Runs on a JS thread. [error, pid, exitStatus, termSignal, ...output]: Node's GetError() (the
  // run error, else the first pipe error), pid 0 and status -1 when never started, each output a
  // Buffer or null; nullptr if not even the array can be made (teardown).
  napi_value Result(napi_env env) const {
    napi_value result = NumberArray(
        env, {error_ != 0 ? error_ : pipe_error_, pid_, exit_status_, term_signal_}, slots_);
    napi_value null = nullptr;
    if (napi_get_null(env, &null) != napi_ok) null = nullptr;
    for (uint32_t i = 0; i < slots_; ++i) SetElement(env, result, 4 + i, null);
    for (const Pipe& pipe : pipes_) {
      napi_value buffer = nullptr;
      if (ran_ && pipe.collects && result != nullptr &&
          napi_create_buffer_copy(env, pipe.output.size(), pipe.output.data(), nullptr, &buffer) ==
              napi_ok) {
        SetElement(env, result, 4 + static_cast<uint32_t>(pipe.slot), buffer);
      }
    }
    return result;
  }

 private:
  // Runs on a JS thread. Keeps the first run error and the first pipe error; the run error wins.
  void SetError(int err, bool pipe = false) {
    int& first = pipe ? pipe_error_ : error_;
    if (first == 0) first = err;
  }

  // Runs on a JS thread. One socketpair per pipe slot; the child ends go to the launch.
  [[nodiscard]] int MakePipes() {
    for (Pipe& pipe : pipes_) {
      int fds[2];
      if (int err = StreamSocketPair(fds, pipe_buffer_size_); err != 0) return err;
      pipe.fd.Reset(fds[0]);
      UniqueFd child(fds[1]);
      const int flags = fcntl(pipe.fd.Get(), F_GETFL);
      if (flags < 0 || fcntl(pipe.fd.Get(), F_SETFL, flags | O_NONBLOCK) != 0) return -errno;
      request_->fds[pipe.slot] = child.Get();
      request_->close_after.push_back(std::move(child));
    }
    return 0;
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
    std::string& out = pipe->output;
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
        if (max_buffer_ > 0 && buffered_ > max_buffer_) {
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
    const bool descendants = kill_descendants_;
    if (tree_id_ != 0) {
      return descendants ? Spawner::Get().KillWithDescendants(tree_id_, sig)
                         : Spawner::Get().Kill(tree_id_, sig);
    }
    return descendants ? SignalWithDescendants(pid_, pidfd_.Get(), sig)
                       : SignalProcess(pidfd_.Get(), pid_, sig);
  }

  // Runs on a JS thread. Node's SyncProcessRunner::Kill: once; killSignal (SIGKILL if that
  // fails for another reason than ESRCH), then every pipe closed and the timer stopped.
  void Kill() {
    if (killed_) return;
    killed_ = true;
    if (!exited_) {
      int r = Signal(kill_signal_);
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

  // Runs on a JS thread. Takes a tree command's exit once the spawner thread has written it (as its
  // guardian reported it; blocking: waits until it has). The guardian is the spawner's child: the
  // spawner thread reaps it.
  void TakeTreeExit(bool block) {
    int32_t status[2];
    ssize_t n;
    do {
      n = recv(tree_exit_.Get(), status, sizeof(status), block ? MSG_WAITALL : MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && !block && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // not yet
    exited_ = true;
    const bool reported = n == static_cast<ssize_t>(sizeof(status));
    exit_status_ = reported ? status[0] : 0;        // 0 after a signal, as ExitOf makes it
    term_signal_ = reported ? status[1] : SIGKILL;  // unreported: gone with its guardian
  }

  // Runs on a JS thread. Reaps our child if it has exited (blocking: waits until it has).
  void Reap(bool block) {
    if (tree_exit_.Valid()) return TakeTreeExit(block);
    siginfo_t info;
    if (WaitExit(pid_, &info, block) == 0 && info.si_pid == 0) return;  // still running
    exited_ = true;
    pidfd_.Reset();
    ExitOf(info, &exit_status_, &term_signal_);
  }

  // Runs on a JS thread. One poll() over the pipes and the child's exit (its pidfd, or a tree
  // command's exit socket) until the child has exited and every pipe is done; without either the
  // exit is polled with waitid(WNOHANG) on a backoff.
  void Loop() {
    int backoff_ms = 1;
    std::vector<struct pollfd> fds;
    std::vector<Pipe*> polled;
    for (;;) {
      PollSet(&fds, &polled);
      if (exited_ && fds.empty()) return;  // every pipe is done too
      if (timer_active_ && NowMs() >= deadline_) {
        SetError(-ETIMEDOUT);
        Kill();
        continue;
      }
      const int exit_fd = tree_exit_.Valid() ? tree_exit_.Get() : pidfd_.Get();
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
      const long left = deadline_ - NowMs();
      timeout = left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : static_cast<int>(left);
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
  size_t slots_ = 0;
  std::vector<Pipe> pipes_;
  long timeout_ms_ = 0;    // 0: none
  double max_buffer_ = 0;  // 0: none
  int kill_signal_ = SIGTERM;
  int pipe_buffer_size_ = 0;       // SO_SNDBUF/SO_RCVBUF for each socketpair; 0 leaves the default
  bool kill_descendants_ = false;  // the timeout/maxBuffer kill reaches every live descendant too
  pid_t pid_ = 0;
  UniqueFd pidfd_;
  uint32_t tree_id_ = 0;  // tree mode: the guardian's child id
  UniqueFd tree_exit_;    // tree mode: where the command's exit arrives
  bool ran_ = false;
  bool exited_ = false;
  bool killed_ = false;
  int exit_status_ = -1;
  int term_signal_ = 0;
  int error_ = 0;
  int pipe_error_ = 0;
  double buffered_ = 0;
  bool timer_active_ = false;
  long deadline_ = 0;  // NowMs() when the timeout expires
};

}  // namespace

// spawnSync(<launch>, pipes, inputs, timeoutMs, maxBuffer, killSignal, pipeBufferSize,
// killDescendants): <launch> is ReadLaunch's. pipes[i]: -1 when slot i is not a pipe (the child
// gets fds[i]; -1 ignore), else 1 readable | 2 writable; inputs[i]: a Uint8Array for a readable
// pipe, or undefined. Blocks until the child has exited; returns Runner::Result's array.
Napi::Value SpawnSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JsArgs args(info);
  SpawnRequest request;
  ReadLaunch(&args, &request);
  Runner runner(&request, &args);
  if (!args.ok()) return args.Failure();
  if (runner.slots() != request.fds.size()) return Napi::Number::New(env, -EINVAL);
  if (EnvState* state = State(env)) request.env_id = state->env_id;
  runner.Run();
  napi_value result = runner.Result(env);
  return result == nullptr ? env.Undefined() : Napi::Value(env, result);
}

}  // namespace tethered
