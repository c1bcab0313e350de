// Module init: the binding's function table, and its two questions about this process (facts(),
// treeSupport()). Values cross the boundary flat: numbers, strings, arrays; failures come back as
// -errno, never as thrown C++ errors.
#include "addon.h"

#include "js_values.h"
#include "spawner.h"

namespace tethered {

// treeSupport(): [ok, memfdStep, memfdErrno, filePath, fileErrno] (TreeSupport's fields; worded
// in src/tree-support.ts). Runs the guardian once, on the first call.
Napi::Value TreeSupportInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TreeSupport tree = Spawner::Get().Tree();
  // Slots 0 and 3 are overwritten below with the boolean and the string.
  napi_value array =
      NumberArray(env, {tree.ok, tree.memfd_step, tree.memfd_error, 0, tree.file_error});
  napi_value ok = nullptr, path = nullptr;
  if (napi_get_boolean(env, tree.ok, &ok) != napi_ok) ok = nullptr;
  if (napi_create_string_utf8(env, tree.file_path.data(), tree.file_path.size(), &path) !=
      napi_ok) {
    path = nullptr;
  }
  SetElement(env, array, 0, ok);
  SetElement(env, array, 3, path);
  return array == nullptr ? env.Undefined() : Napi::Value(env, array);
}

// facts(): what the spawner found out about this process and kernel (SpawnerFacts).
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
  if (facts.pidfd_forced_off) set("pidfdForcedOff", Napi::Boolean::New(env, true));
  if (facts.pidfd_open_error != 0) {
    set("pidfdOpenError", Napi::Number::New(env, facts.pidfd_open_error));
  }
  if (facts.start_error != 0) set("startError", Napi::Number::New(env, facts.start_error));
  return Napi::Value(env, out);
}

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
      {"treeSupport", Raw<TreeSupportInfo>},
      {"setKeepAlive", Raw<SetKeepAlive>},
      {"facts", Raw<Facts>},
  };
  // Raw calls: a Worker may be terminated while it loads the addon (see js_values.h).
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
