// spawn() and spawnSync(): one decoder for the launch they share (js_values.cc), then each its own
// arguments and result.
#include <errno.h>

#include <memory>

#include "addon.h"
#include "env_state.h"
#include "js_values.h"
#include "spawner.h"
#include "sync_runner.h"

namespace tethered {
namespace {

// Runs on a JS thread. spawnSync's result: [error, pid, exitStatus, termSignal, ...output], each
// output a Buffer or null; undefined if not even the array can be made (teardown).
napi_value SyncResult(napi_env env, const SyncOutcome& outcome) {
  napi_value result =
      NumberArray(env, {outcome.error, outcome.pid, outcome.exit_status, outcome.term_signal},
                  outcome.output.size());
  for (uint32_t i = 0; i < outcome.output.size() && result != nullptr; ++i) {
    const std::string& bytes = outcome.output[i];
    napi_value slot = nullptr;
    if (outcome.has_output[i] &&
        napi_create_buffer_copy(env, bytes.size(), bytes.data(), nullptr, &slot) != napi_ok) {
      slot = nullptr;
    }
    if (slot == nullptr && napi_get_null(env, &slot) != napi_ok) slot = nullptr;
    SetElement(env, result, 4 + i, slot);
  }
  return result;
}

}  // namespace

// spawn(<launch>, closeAfter, asyncToken): <launch> is ReadLaunch's. Sync (asyncToken 0):
// [pid, childId] or -errno. Async: 0 or -errno, then a kSpawned event. Owns the closeAfter fds
// from the moment it is called, whatever the outcome.
Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto request = std::make_unique<SpawnRequest>();
  EnvState* state = State(env);
  JsArgs args(info);
  for (int fd : args.Int32s(kLaunchArgCount, "closeAfter")) {
    request->close_after.emplace_back(fd);
    if (state != nullptr) state->unclaimed_fds.erase(fd);
  }
  ReadLaunch(&args, request.get());
  request->async_token = static_cast<uint32_t>(args.Double(kLaunchArgCount + 1, "asyncToken"));
  if (!args.ok()) return args.Failure();
  if (state == nullptr) return Napi::Number::New(env, -EINVAL);
  request->env_id = state->env_id;
  if (request->async_token != 0) {
    return Napi::Number::New(env, Spawner::Get().SpawnAsync(std::move(request)));
  }
  int err = Spawner::Get().SpawnSync(request.get());
  if (err != 0) return Napi::Number::New(env, err);
  return Napi::Value(env, NumberArray(env, {request->pid, request->child_id}));
}

// spawnSync(<launch>, pipes, inputs, timeoutMs, maxBuffer, killSignal, pipeBufferSize,
// killDescendants): <launch>
// is ReadLaunch's. pipes[i]: -1 when slot i is not a pipe (the child gets fds[i]; -1 ignore), else
// 1 readable | 2 writable; inputs[i]: a Uint8Array for a readable pipe, or undefined. Blocks until
// the child has exited; returns SyncResult's array.
Napi::Value SpawnSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  JsArgs args(info);
  SpawnRequest request;
  ReadLaunch(&args, &request);
  constexpr size_t kPipes = kLaunchArgCount;
  const std::vector<int> pipes = args.Int32s(kPipes, "pipes");
  SyncOptions options;
  options.stdio.resize(pipes.size());
  for (uint32_t i = 0; i < pipes.size() && args.ok(); ++i) {
    SyncStdio& slot = options.stdio[i];
    slot.pipe = pipes[i] >= 0;
    slot.readable = slot.pipe && (pipes[i] & 1) != 0;
    slot.writable = slot.pipe && (pipes[i] & 2) != 0;
    slot.fd = i < request.fds.size() ? request.fds[i] : -1;
    if (slot.readable) slot.input = args.Bytes(kPipes + 1, i, "inputs", &slot.input_length);
  }
  const double timeout = args.Double(kPipes + 2, "timeoutMs");
  options.max_buffer = args.Double(kPipes + 3, "maxBuffer");
  options.kill_signal = args.Int32(kPipes + 4, "killSignal");
  options.pipe_buffer_size = args.Int32(kPipes + 5, "pipeBufferSize");
  options.kill_descendants = args.Bool(kPipes + 6, "killDescendants");
  if (!args.ok()) return args.Failure();
  if (pipes.size() != request.fds.size()) return Napi::Number::New(env, -EINVAL);
  options.timeout_ms = timeout >= 1.8e19 ? UINT64_MAX
                       : timeout > 0     ? static_cast<uint64_t>(timeout)
                                         : 0;
  if (EnvState* state = State(env)) request.env_id = state->env_id;
  SyncOutcome outcome;
  RunSync(&request, options, &outcome);
  return Napi::Value(env, SyncResult(env, outcome));
}

}  // namespace tethered
