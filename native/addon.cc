// Module init, per-environment state and the JS entry points. Values cross the boundary flat:
// numbers, strings, arrays; failures come back as -errno, never as thrown C++ errors.
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <unordered_set>

#include "env_channel.h"
#include "napi.h"
#include "spawner.h"

namespace tethered {
namespace {

// Per-environment state (main thread and each Worker), kept as the env's instance data.
class EnvState {
 public:
  std::shared_ptr<EnvChannel> channel;
  napi_threadsafe_function tsfn = nullptr;
  uint64_t env_id = 0;
  bool keep_alive = false;
  Napi::FunctionReference on_event;
  napi_async_context async_context = nullptr;
  // Parent ends of socketpairs that JS has not yet claimed (opened into a Pipe) or closed. A
  // Worker can be terminated between any two JS statements; whatever is left here when the
  // environment is torn down is closed then, so no fd outlives its environment.
  std::unordered_set<int> unclaimed_fds;
};

EnvState* State(Napi::Env env) { return env.GetInstanceData<EnvState>(); }

// Runs on the env's JS thread (thread-safe function dispatch). Delivers every pending event.
void DeliverEvents(napi_env raw_env, napi_value /*js_callback*/, void* context, void* /*data*/) {
  if (raw_env == nullptr) return;  // the environment is being torn down
  auto* state = static_cast<EnvState*>(context);
  Napi::Env env(raw_env);
  Napi::HandleScope scope(env);
  napi_value recv = env.Global();
  ChildEvent event;
  while (state->channel->Pop(&event)) {
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
    if (status != napi_ok) {
      // A listener threw: the exception goes to 'uncaughtException' as it would in Node; the
      // remaining events are delivered on the next turn.
      state->channel->Rewake();
      return;
    }
  }
}

// Runs on the env's JS thread when the environment is torn down (Worker exit, process exit).
void TearDownEnv(void* arg) {
  auto* state = static_cast<EnvState*>(arg);
  EnvRouter::Get().Remove(state->env_id);  // the spawner thread can no longer reach the channel
  if (state->tsfn != nullptr) napi_release_threadsafe_function(state->tsfn, napi_tsfn_abort);
  state->tsfn = nullptr;
  for (int fd : state->unclaimed_fds) close(fd);
  state->unclaimed_fds.clear();
}

// init(onEvent): once per environment.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (State(env) != nullptr) return Napi::Number::New(env, 0);
  if (info.Length() < 1 || !info[0].IsFunction()) return Napi::Number::New(env, -EINVAL);
  auto* state = new EnvState;
  state->on_event = Napi::Persistent(info[0].As<Napi::Function>());
  napi_value name = Napi::String::New(env, "tethered");
  if (napi_async_init(env, nullptr, name, &state->async_context) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, state,
                                      DeliverEvents, &state->tsfn) != napi_ok) {
    delete state;
    return Napi::Number::New(env, -ENOMEM);
  }
  napi_unref_threadsafe_function(env, state->tsfn);
  state->channel = std::make_shared<EnvChannel>(state->tsfn);
  state->env_id = EnvRouter::Get().Add(state->channel);
  env.SetInstanceData<EnvState>(state);  // deleted by Node after the cleanup hooks ran
  napi_add_env_cleanup_hook(env, TearDownEnv, state);
  return Napi::Number::New(env, 0);
}

// socketpair(bufferSize): [parentEnd, childEnd] or -errno. AF_UNIX stream pair, close-on-exec.
Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Napi::Number::New(env, -errno);
  }
  int buffer_size = info.Length() > 0 ? info[0].As<Napi::Number>().Int32Value() : 0;
  if (buffer_size > 0) {  // libuv >= 1.51 sizes both directions like this
    for (int fd : fds) {
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_size, sizeof(buffer_size));
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_size, sizeof(buffer_size));
    }
  }
  if (EnvState* state = State(env)) state->unclaimed_fds.insert({fds[0], fds[1]});
  Napi::Array pair = Napi::Array::New(env, 2);
  pair.Set(0u, Napi::Number::New(env, fds[0]));
  pair.Set(1u, Napi::Number::New(env, fds[1]));
  return pair;
}

// closeFd(fd)
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (EnvState* state = State(info.Env())) state->unclaimed_fds.erase(fd);
  int r = fd >= 0 ? close(fd) : 0;
  return Napi::Number::New(info.Env(), r == 0 ? 0 : -errno);
}

std::vector<std::string> StringArray(const Napi::Value& value) {
  std::vector<std::string> out;
  if (!value.IsArray()) return out;
  Napi::Array array = value.As<Napi::Array>();
  const uint32_t length = array.Length();
  out.reserve(length);
  for (uint32_t i = 0; i < length; ++i) out.push_back(array.Get(i).As<Napi::String>().Utf8Value());
  return out;
}

std::vector<int> IntArray(const Napi::Value& value) {
  std::vector<int> out;
  if (!value.IsTypedArray()) return out;
  Napi::Int32Array array = value.As<Napi::Int32Array>();
  out.assign(array.Data(), array.Data() + array.ElementLength());
  return out;
}

// spawn(file, args, envPairs, cwd, fds, closeAfter, detached, uid, gid, deathSignal, asyncToken)
// Sync (asyncToken 0): [pid, childId] or -errno. Async: 0 or -errno, then a kSpawned event.
// Owns the closeAfter fds from the moment it is called, whatever the outcome.
Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto request = std::make_unique<SpawnRequest>();
  EnvState* state = State(env);
  for (int fd : IntArray(info[5])) {
    request->close_after.emplace_back(fd);
    if (state != nullptr) state->unclaimed_fds.erase(fd);
  }
  if (state == nullptr || info.Length() < 11) return Napi::Number::New(env, -EINVAL);
  request->file = info[0].As<Napi::String>().Utf8Value();
  request->args = StringArray(info[1]);
  request->env = StringArray(info[2]);
  if (info[3].IsString()) {
    request->cwd = info[3].As<Napi::String>().Utf8Value();
    request->has_cwd = !request->cwd.empty();
  }
  request->fds = IntArray(info[4]);
  request->detached = info[6].ToBoolean().Value();
  if (info[7].IsNumber()) {
    request->set_uid = true;
    request->uid = static_cast<unsigned>(info[7].As<Napi::Number>().Int32Value());
  }
  if (info[8].IsNumber()) {
    request->set_gid = true;
    request->gid = static_cast<unsigned>(info[8].As<Napi::Number>().Int32Value());
  }
  request->death_signal = info[9].As<Napi::Number>().Int32Value();
  request->env_id = state->env_id;
  const uint32_t async_token = info[10].As<Napi::Number>().Uint32Value();
  if (async_token != 0) {
    request->async_token = async_token;
    return Napi::Number::New(env, Spawner::Get().SpawnAsync(std::move(request)));
  }
  int err = Spawner::Get().SpawnSync(request.get());
  if (err != 0) return Napi::Number::New(env, err);
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, request->pid));
  out.Set(1u, Napi::Number::New(env, request->child_id));
  return out;
}

// claimFds(fds): JS now owns these socketpair ends (it is about to open them into Pipes).
Napi::Value ClaimFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (EnvState* state = State(env)) {
    for (int fd : IntArray(info[0])) state->unclaimed_fds.erase(fd);
  }
  return env.Undefined();
}

// kill(childId, signal): 0 or -errno.
Napi::Value Kill(const Napi::CallbackInfo& info) {
  uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  return Napi::Number::New(info.Env(), Spawner::Get().Kill(id, sig));
}

// setKeepAlive(bool): whether live children keep this environment's event loop running.
Napi::Value SetKeepAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState* state = State(env);
  bool want = info[0].ToBoolean().Value();
  if (state != nullptr && state->tsfn != nullptr && want != state->keep_alive) {
    if (want) {
      napi_ref_threadsafe_function(env, state->tsfn);
    } else {
      napi_unref_threadsafe_function(env, state->tsfn);
    }
    state->keep_alive = want;
  }
  return env.Undefined();
}

// facts(): what the spawner found out about this process and kernel.
Napi::Value Facts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SpawnerFacts facts = Spawner::Get().Facts();
  Napi::Object out = Napi::Object::New(env);
  out.Set("started", facts.started);
  out.Set("pidfd", facts.pidfd);
  out.Set("cloneVfork", facts.clone_vfork);
  if (facts.pidfd_fallback_reason != nullptr) {
    out.Set("pidfdFallbackReason", facts.pidfd_fallback_reason);
  }
  if (facts.start_error != 0) out.Set("startError", facts.start_error);
  return out;
}

}  // namespace

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("socketpair", Napi::Function::New(env, SocketPair, "socketpair"));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
  exports.Set("spawn", Napi::Function::New(env, Spawn, "spawn"));
  exports.Set("claimFds", Napi::Function::New(env, ClaimFds, "claimFds"));
  exports.Set("kill", Napi::Function::New(env, Kill, "kill"));
  exports.Set("setKeepAlive", Napi::Function::New(env, SetKeepAlive, "setKeepAlive"));
  exports.Set("facts", Napi::Function::New(env, Facts, "facts"));
  return exports;
}

}  // namespace tethered

static Napi::Object InitTethered(Napi::Env env, Napi::Object exports) {
  return tethered::InitModule(env, exports);
}

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitTethered)
