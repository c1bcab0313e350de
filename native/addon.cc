// Module init, per-environment state and the JS entry points. Values cross the boundary flat:
// numbers, strings, arrays; failures come back as -errno, never as thrown C++ errors.
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <unordered_set>

#include "descendants.h"
#include "env_channel.h"
#include "guardians.h"
#include "napi.h"
#include "spawner.h"
#include "sync_runner.h"

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
  napi_env env = nullptr;  // for napi_async_destroy at teardown
  // Parent ends of socketpairs that JS has not yet claimed (opened into a Pipe) or closed. A
  // Worker can be terminated between any two JS statements; whatever is left here when the
  // environment is torn down is closed then, so no fd outlives its environment.
  std::unordered_set<int> unclaimed_fds;
};

constexpr std::chrono::milliseconds kDeliveryBudget{4};

EnvState* State(Napi::Env env) { return env.GetInstanceData<EnvState>(); }

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
    if (std::chrono::steady_clock::now() >= deadline) {
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
  if (state->async_context != nullptr) (void)napi_async_destroy(state->env, state->async_context);
  state->async_context = nullptr;
  for (int fd : state->unclaimed_fds) close(fd);
  state->unclaimed_fds.clear();
}

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
  if (napi_async_init(env, nullptr, name, &state->async_context) != napi_ok) {
    state->async_context = nullptr;
    delete state;
    return Napi::Number::New(env, -ENOMEM);
  }
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, state,
                                      DeliverEvents, &state->tsfn) != napi_ok) {
    (void)napi_async_destroy(env, state->async_context);
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

// Node-API calls that touch properties or coerce values fail once the environment is being torn
// down (a Worker terminated while it is inside one of our functions), and node-addon-api turns
// such a failure into Error::New, which is fatal at that point. So values are read and results
// built with raw Node-API calls whose failure is simply reported.

// The string `value` holds, or false.
bool ReadString(napi_env env, napi_value value, std::string* out) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return false;
  out->resize(length);
  return napi_get_value_string_utf8(env, value, out->data(), length + 1, &length) == napi_ok;
}

// The strings of the array `value` (an empty list if it is not an array), or false.
bool ReadStringArray(napi_env env, napi_value value, std::vector<std::string>* out) {
  bool is_array = false;
  uint32_t length = 0;
  if (napi_is_array(env, value, &is_array) != napi_ok || !is_array) return true;
  if (napi_get_array_length(env, value, &length) != napi_ok) return false;
  out->resize(length);
  for (uint32_t i = 0; i < length; ++i) {
    napi_value element;
    if (napi_get_element(env, value, i, &element) != napi_ok) return false;
    if (!ReadString(env, element, &(*out)[i])) return false;
  }
  return true;
}

// The elements of the Int32Array `value` (an empty list for anything else).
std::vector<int> IntArray(napi_env env, napi_value value) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array || data == nullptr) {
    return {};
  }
  const int* ints = static_cast<const int*>(data);
  return std::vector<int>(ints, ints + length);
}

bool ReadBool(napi_env env, napi_value value) {
  bool out = false;
  return napi_get_value_bool(env, value, &out) == napi_ok && out;
}

// [a, b] as a JS array; if the environment is being torn down, whatever could be built.
napi_value IntPair(napi_env env, int64_t a, int64_t b) {
  napi_value array = nullptr;
  napi_value first, second;
  if (napi_create_array_with_length(env, 2, &array) != napi_ok) return nullptr;
  if (napi_create_int64(env, a, &first) == napi_ok) (void)napi_set_element(env, array, 0, first);
  if (napi_create_int64(env, b, &second) == napi_ok) (void)napi_set_element(env, array, 1, second);
  return array;
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
  return Napi::Value(env, IntPair(env, fds[0], fds[1]));
}

// closeFd(fd)
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (EnvState* state = State(info.Env())) state->unclaimed_fds.erase(fd);
  int r = fd >= 0 ? close(fd) : 0;
  return Napi::Number::New(info.Env(), r == 0 ? 0 : -errno);
}

// spawn(file, args, envPairs, cwd, fds, closeAfter, detached, uid, gid, deathSignal, asyncToken,
//       tree, treeGraceMs)
// Sync (asyncToken 0): [pid, childId] or -errno. Async: 0 or -errno, then a kSpawned event.
// Owns the closeAfter fds from the moment it is called, whatever the outcome.
Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto request = std::make_unique<SpawnRequest>();
  EnvState* state = State(env);
  for (int fd : IntArray(env, info[5])) {
    request->close_after.emplace_back(fd);
    if (state != nullptr) state->unclaimed_fds.erase(fd);
  }
  if (state == nullptr || info.Length() < 11) return Napi::Number::New(env, -EINVAL);
  if (!ReadString(env, info[0], &request->file) || !ReadStringArray(env, info[1], &request->args) ||
      !ReadStringArray(env, info[2], &request->env)) {
    return Napi::Number::New(env, -EINVAL);
  }
  if (info[3].IsString()) {
    if (!ReadString(env, info[3], &request->cwd)) return Napi::Number::New(env, -EINVAL);
    request->has_cwd = !request->cwd.empty();
  }
  request->fds = IntArray(env, info[4]);
  request->detached = ReadBool(env, info[6]);
  int32_t id = 0;
  if (napi_get_value_int32(env, info[7], &id) == napi_ok) {
    request->set_uid = true;
    request->uid = static_cast<unsigned>(id);
  }
  if (napi_get_value_int32(env, info[8], &id) == napi_ok) {
    request->set_gid = true;
    request->gid = static_cast<unsigned>(id);
  }
  uint32_t async_token = 0;
  if (napi_get_value_int32(env, info[9], &request->death_signal) != napi_ok ||
      napi_get_value_uint32(env, info[10], &async_token) != napi_ok) {
    return Napi::Number::New(env, -EINVAL);
  }
  if (info.Length() >= 13 && ReadBool(env, info[11])) {  // tree mode
    request->tree = true;
    if (napi_get_value_int32(env, info[12], &request->tree_grace_ms) != napi_ok) {
      return Napi::Number::New(env, -EINVAL);
    }
  }
  request->env_id = state->env_id;
  if (async_token != 0) {
    request->async_token = async_token;
    return Napi::Number::New(env, Spawner::Get().SpawnAsync(std::move(request)));
  }
  int err = Spawner::Get().SpawnSync(request.get());
  if (err != 0) return Napi::Number::New(env, err);
  return Napi::Value(env, IntPair(env, request->pid, request->child_id));
}

// The bytes of an ArrayBufferView (any TypedArray, Buffer or DataView), or false.
bool ReadBytes(napi_env env, napi_value value, const char** data, size_t* length) {
  bool is_typed = false, is_view = false;
  void* raw = nullptr;
  if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type type;
    size_t count = 0;
    if (napi_get_typedarray_info(env, value, &type, &count, &raw, nullptr, nullptr) != napi_ok) {
      return false;
    }
    size_t size = 1;
    switch (type) {
      case napi_int16_array:
      case napi_uint16_array:
        size = 2;
        break;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        size = 4;
        break;
      case napi_float64_array:
      case napi_bigint64_array:
      case napi_biguint64_array:
        size = 8;
        break;
      default:
        // Float16Array (Node 24+) reports a type this header may not name: 2 bytes per element.
        size = type > napi_biguint64_array ? 2 : 1;
        break;
    }
    *length = count * size;
  } else if (napi_is_dataview(env, value, &is_view) == napi_ok && is_view) {
    if (napi_get_dataview_info(env, value, length, &raw, nullptr, nullptr) != napi_ok) return false;
  } else {
    return false;
  }
  *data = static_cast<const char*>(raw);
  return true;
}

// spawnSync(file, args, envPairs, cwd, pipes, fds, inputs, detached, uid, gid, deathSignal,
//           timeoutMs, maxBuffer, killSignal, pipeBufferSize, tree, treeGraceMs, killDescendants)
// pipes[i]: -1 when slot i is not a pipe (the child gets fds[i]; -1 ignore), else 1 readable |
// 2 writable; inputs[i]: an ArrayBufferView for a readable pipe, or undefined.
// Blocks until the child has exited. [error, pid, exitStatus, termSignal, ...output] (each output
// a Buffer or null), or -errno for arguments it cannot read.
Napi::Value SpawnSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 15) return Napi::Number::New(env, -EINVAL);
  SpawnRequest request;
  if (!ReadString(env, info[0], &request.file) || !ReadStringArray(env, info[1], &request.args) ||
      !ReadStringArray(env, info[2], &request.env)) {
    return Napi::Number::New(env, -EINVAL);
  }
  if (info[3].IsString()) {
    if (!ReadString(env, info[3], &request.cwd)) return Napi::Number::New(env, -EINVAL);
    request.has_cwd = !request.cwd.empty();
  }
  const std::vector<int> pipes = IntArray(env, info[4]);
  const std::vector<int> fds = IntArray(env, info[5]);
  if (pipes.size() != fds.size()) return Napi::Number::New(env, -EINVAL);
  SyncOptions options;
  options.stdio.resize(pipes.size());
  for (uint32_t i = 0; i < pipes.size(); ++i) {
    SyncStdio& slot = options.stdio[i];
    slot.pipe = pipes[i] >= 0;
    slot.readable = slot.pipe && (pipes[i] & 1) != 0;
    slot.writable = slot.pipe && (pipes[i] & 2) != 0;
    slot.fd = fds[i];
    napi_value input;
    if (slot.readable && napi_get_element(env, info[6], i, &input) == napi_ok) {
      napi_valuetype type;
      if (napi_typeof(env, input, &type) == napi_ok && type != napi_undefined &&
          !ReadBytes(env, input, &slot.input, &slot.input_length)) {
        return Napi::Number::New(env, -EINVAL);
      }
    }
  }
  request.detached = ReadBool(env, info[7]);
  int32_t id = 0;
  if (napi_get_value_int32(env, info[8], &id) == napi_ok) {
    request.set_uid = true;
    request.uid = static_cast<unsigned>(id);
  }
  if (napi_get_value_int32(env, info[9], &id) == napi_ok) {
    request.set_gid = true;
    request.gid = static_cast<unsigned>(id);
  }
  double timeout = 0;
  if (napi_get_value_int32(env, info[10], &request.death_signal) != napi_ok ||
      napi_get_value_double(env, info[11], &timeout) != napi_ok ||
      napi_get_value_double(env, info[12], &options.max_buffer) != napi_ok ||
      napi_get_value_int32(env, info[13], &options.kill_signal) != napi_ok ||
      napi_get_value_int32(env, info[14], &options.pipe_buffer_size) != napi_ok) {
    return Napi::Number::New(env, -EINVAL);
  }
  if (info.Length() >= 17 && ReadBool(env, info[15])) {  // tree mode
    request.tree = true;
    if (napi_get_value_int32(env, info[16], &request.tree_grace_ms) != napi_ok) {
      return Napi::Number::New(env, -EINVAL);
    }
  }
  options.kill_descendants = info.Length() >= 18 && ReadBool(env, info[17]);
  options.timeout_ms = timeout >= 1.8e19 ? UINT64_MAX
                       : timeout > 0     ? static_cast<uint64_t>(timeout)
                                         : 0;
  if (EnvState* state = State(env)) request.env_id = state->env_id;

  SyncOutcome outcome;
  RunSync(&request, options, &outcome);

  napi_value result = nullptr;
  if (napi_create_array_with_length(env, 4 + outcome.output.size(), &result) != napi_ok) {
    return env.Undefined();
  }
  const int64_t head[4] = {outcome.error, outcome.pid, outcome.exit_status, outcome.term_signal};
  for (uint32_t i = 0; i < 4; ++i) {
    napi_value number;
    if (napi_create_int64(env, head[i], &number) == napi_ok) {
      (void)napi_set_element(env, result, i, number);
    }
  }
  for (uint32_t i = 0; i < outcome.output.size(); ++i) {
    napi_value slot = nullptr;
    if (outcome.has_output[i]) {
      const std::string& bytes = outcome.output[i];
      if (napi_create_buffer_copy(env, bytes.size(), bytes.data(), nullptr, &slot) != napi_ok) {
        slot = nullptr;
      }
    }
    if (slot == nullptr && napi_get_null(env, &slot) != napi_ok) continue;
    (void)napi_set_element(env, result, 4 + i, slot);
  }
  return Napi::Value(env, result);
}

// openPipes(pipes, fds): pipes[i].open(fds[i]) for each socketpair parent end, called from here so
// that each fd changes owner exactly once: a Pipe that took it closes it; otherwise it is closed
// now. Done in JS, a Worker terminated between the two steps leaked the fd (or, claimed after
// the open, closed it twice).
Napi::Value OpenPipes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState* state = State(env);
  napi_value pipes = info[0];
  const std::vector<int> fds = IntArray(env, info[1]);
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

// kill(childId, signal, withDescendants): 0 or -errno, about the child alone. withDescendants:
// every live descendant gets the signal too (Spawner::KillWithDescendants).
Napi::Value Kill(const Napi::CallbackInfo& info) {
  uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  Spawner& spawner = Spawner::Get();
  const int err =
      ReadBool(info.Env(), info[2]) ? spawner.KillWithDescendants(id, sig) : spawner.Kill(id, sig);
  return Napi::Number::New(info.Env(), err);
}

// killTree(childId, signal, graceMs): a tree child's guardian signals every descendant (SIGKILL
// after graceMs unless graceMs < 0), even after the child's own exit. Any other child of ours:
// its verified descendants and the child, while it runs. 0 or -errno.
Napi::Value KillTree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  int grace_ms = info[2].As<Napi::Number>().Int32Value();
  if (id & kTreeIdBit) return Napi::Number::New(env, Spawner::Get().KillTree(id, sig, grace_ms));
  return Napi::Number::New(env, Spawner::Get().KillWithDescendants(id, sig));
}

// killTreeByPid(pid, signal): for a child this addon did not start (Node's own), while the caller
// knows it is unreaped: its verified descendants, then the child, all through pidfds. 0 or -errno.
Napi::Value KillTreeByPid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  if (pid <= 0) return Napi::Number::New(env, -EINVAL);
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.Valid()) return Napi::Number::New(env, -errno);
  const int err = SignalWithDescendants(pid, pidfd.Get(), sig, [&] {
    return syscall(SYS_pidfd_send_signal, pidfd.Get(), sig, nullptr, 0) == 0 ? 0 : -errno;
  });
  return Napi::Number::New(env, err);
}

// treeSupport(): [ok, reason]; runs the guardian once on the first call.
Napi::Value TreeSupportInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TreeSupport tree = Spawner::Get().Tree();
  napi_value array = nullptr, ok, reason;
  if (napi_create_array_with_length(env, 2, &array) != napi_ok) return env.Undefined();
  if (napi_get_boolean(env, tree.ok, &ok) == napi_ok) (void)napi_set_element(env, array, 0, ok);
  if (napi_create_string_utf8(env, tree.reason.c_str(), tree.reason.size(), &reason) == napi_ok) {
    (void)napi_set_element(env, array, 1, reason);
  }
  return Napi::Value(env, array);
}

// setKeepAlive(bool): whether live children keep this environment's event loop running.
Napi::Value SetKeepAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState* state = State(env);
  bool want = ReadBool(env, info[0]);
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
  napi_value out = nullptr;
  if (napi_create_object(env, &out) != napi_ok) return env.Undefined();
  auto set = [env, out](const char* key, napi_value value) {
    if (value != nullptr) (void)napi_set_named_property(env, out, key, value);
  };
  set("started", Napi::Boolean::New(env, facts.started));
  set("pidfd", Napi::Boolean::New(env, facts.pidfd));
  set("cloneVfork", Napi::Boolean::New(env, facts.clone_vfork));
  if (facts.pidfd_fallback_reason != nullptr) {
    set("pidfdFallbackReason", Napi::String::New(env, facts.pidfd_fallback_reason));
  }
  if (facts.start_error != 0) set("startError", Napi::Number::New(env, facts.start_error));
  return Napi::Value(env, out);
}

}  // namespace

// The napi_callback for one of the functions above.
template <Napi::Value (*Function)(const Napi::CallbackInfo&)>
napi_value Raw(napi_env env, napi_callback_info raw_info) {
  Napi::CallbackInfo info(env, raw_info);
  return Function(info);
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  const struct {
    const char* name;
    napi_callback callback;
  } functions[] = {
      {"init", Raw<Init>},
      {"socketpair", Raw<SocketPair>},
      {"closeFd", Raw<CloseFd>},
      {"spawn", Raw<Spawn>},
      {"spawnSync", Raw<SpawnSync>},
      {"openPipes", Raw<OpenPipes>},
      {"kill", Raw<Kill>},
      {"killTree", Raw<KillTree>},
      {"killTreeByPid", Raw<KillTreeByPid>},
      {"treeSupport", Raw<TreeSupportInfo>},
      {"setKeepAlive", Raw<SetKeepAlive>},
      {"facts", Raw<Facts>},
  };
  // Raw calls: a Worker may be terminated while it loads the addon (see ReadString above).
  for (const auto& f : functions) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.callback, nullptr, &fn) == napi_ok) {
      (void)napi_set_named_property(env, exports, f.name, fn);
    }
  }
  return exports;
}

}  // namespace tethered

static Napi::Object InitTethered(Napi::Env env, Napi::Object exports) {
  return tethered::InitModule(env, exports);
}

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitTethered)
