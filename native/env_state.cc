// init(), socketpair(), closeFd(), openPipes(), setKeepAlive(): each environment's state
// (addon.h's EnvState), its event delivery and the fds it owns until a Pipe takes them.
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>

#include "addon.h"
#include "js_values.h"
#include "syscalls.h"

namespace tethered {
namespace {

constexpr std::chrono::milliseconds kDeliveryBudget{4};

// Runs on the env's JS thread (thread-safe function dispatch). Delivers every pending event.
void DeliverEvents(napi_env raw_env, napi_value /*js_callback*/, void* context, void* /*data*/) {
  if (raw_env == nullptr) return;  // the environment is being torn down
  auto* state = static_cast<EnvState*>(context);
  Napi::Env env(raw_env);
  Napi::HandleScope scope(env);
  napi_value recv = env.Global();
  // Bounded work per loop turn: a burst of launches (each replayed through Node's spawn) must
  // not stall the event loop; the rest is delivered on the next turn.
  const auto deadline = std::chrono::steady_clock::now() + kDeliveryBudget;
  ChildEvent event;
  while (EnvRouter::Get().Pop(state->env_id, &event)) {
    napi_value args[5] = {
        Napi::Number::New(env, static_cast<int32_t>(event.kind)),
        Napi::Number::New(env, event.id),
        Napi::Number::New(env, event.a),
        Napi::Number::New(env, event.b),
        Napi::Number::New(env, event.c),
    };
    napi_value result;
    napi_status status = napi_make_callback(raw_env, state->async_context, recv,
                                            state->on_event.Value(), 5, args, &result);
    // A listener threw (the exception goes to 'uncaughtException' as it would in Node), or the
    // budget is spent: the remaining events are delivered on the next turn.
    if (status != napi_ok || std::chrono::steady_clock::now() >= deadline) {
      napi_call_threadsafe_function(state->tsfn, nullptr, napi_tsfn_nonblocking);
      return;
    }
  }
}

// Runs on the env's JS thread when the environment is torn down (Worker exit, process exit).
void TearDownEnv(void* arg) {
  auto* state = static_cast<EnvState*>(arg);
  EnvRouter::Get().Remove(state->env_id);  // the spawner thread can no longer reach the env
  if (state->tsfn != nullptr) napi_release_threadsafe_function(state->tsfn, napi_tsfn_abort);
  state->tsfn = nullptr;
  if (state->async_context != nullptr) (void)napi_async_destroy(state->env, state->async_context);
  state->async_context = nullptr;
  for (int fd : state->unclaimed_fds) close(fd);
  state->unclaimed_fds.clear();
}

}  // namespace

// init(onEvent): once per environment.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (State(env) != nullptr) return Napi::Number::New(env, 0);
  if (info.Length() < 1 || !info[0].IsFunction()) return Napi::Number::New(env, -EINVAL);
  // Test knob: fail as when Node-API is out of memory. Read on each call, so a later init
  // succeeds once the variable is unset.
  const char* fail = getenv("TETHERED_TEST_FAIL_INIT");
  if (fail != nullptr && fail[0] == '1') return Napi::Number::New(env, -ENOMEM);
  auto* state = new EnvState;
  state->env = env;
  state->on_event = Napi::Persistent(info[0].As<Napi::Function>());
  napi_value name = Napi::String::New(env, "tethered");
  if (napi_async_init(env, nullptr, name, &state->async_context) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, state,
                                      DeliverEvents, &state->tsfn) != napi_ok) {
    TearDownEnv(state);  // undoes whichever of the two was made
    delete state;
    return Napi::Number::New(env, -ENOMEM);
  }
  napi_unref_threadsafe_function(env, state->tsfn);
  state->env_id = EnvRouter::Get().Add(state->tsfn);
  env.SetInstanceData<EnvState>(state);  // deleted by Node after the cleanup hooks ran
  napi_add_env_cleanup_hook(env, TearDownEnv, state);
  return Napi::Number::New(env, 0);
}

// socketpair(bufferSize): [parentEnd, childEnd] or -errno. AF_UNIX stream pair, close-on-exec.
Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JsArgs args(info);
  const int buffer_size = args.Int32(0, "bufferSize");
  if (!args.ok()) return args.Failure();
  int fds[2];
  if (int err = StreamSocketPair(fds, buffer_size); err != 0) return Napi::Number::New(env, err);
  if (EnvState* state = State(env)) state->unclaimed_fds.insert({fds[0], fds[1]});
  return Napi::Value(env, NumberArray(env, {fds[0], fds[1]}));
}

// closeFd(fd)
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  JsArgs args(info);
  const int fd = args.Int32(0, "fd");
  if (!args.ok()) return args.Failure();
  if (EnvState* state = State(info.Env())) state->unclaimed_fds.erase(fd);
  int r = fd >= 0 ? close(fd) : 0;
  return Napi::Number::New(info.Env(), r == 0 ? 0 : -errno);
}

// openPipes(pipes, fds): pipes[i].open(fds[i]) for each socketpair parent end, called from here so
// that each fd changes owner exactly once: a Pipe that took it closes it; otherwise it is closed
// now. In JS, a Worker terminated between the two steps would leak the fd (or, claimed after the
// open, close it twice).
Napi::Value OpenPipes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState* state = State(env);
  napi_value pipes = info[0];
  JsArgs args(info);
  const std::vector<int> fds = args.Int32s(1, "fds");
  if (!args.ok()) return args.Failure();
  for (uint32_t i = 0; i < fds.size(); ++i) {
    const int fd = fds[i];
    if (state != nullptr) state->unclaimed_fds.erase(fd);
    napi_value pipe, open, arg, result;
    int32_t opened = -1;
    if (napi_get_element(env, pipes, i, &pipe) == napi_ok &&
        napi_get_named_property(env, pipe, "open", &open) == napi_ok &&
        napi_create_int32(env, fd, &arg) == napi_ok &&
        napi_call_function(env, pipe, open, 1, &arg, &result) == napi_ok &&
        napi_get_value_int32(env, result, &opened) == napi_ok && opened == 0) {
      continue;  // the Pipe owns it now
    }
    close(fd);
  }
  return env.Undefined();
}

// setKeepAlive(bool): whether live children keep this environment's event loop running.
Napi::Value SetKeepAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState* state = State(env);
  JsArgs args(info);
  const bool want = args.Bool(0, "on");
  if (!args.ok()) return args.Failure();
  if (state != nullptr && state->tsfn != nullptr && want != state->keep_alive) {
    (want ? napi_ref_threadsafe_function : napi_unref_threadsafe_function)(env, state->tsfn);
    state->keep_alive = want;
  }
  return env.Undefined();
}

}  // namespace tethered
