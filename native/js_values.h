// Reading a binding call's arguments and building its results, with raw Node-API calls only:
// once the environment is being torn down (a Worker terminated inside one of our functions),
// Node-API calls fail, and node-addon-api would turn that into a fatal Error::New.
#ifndef TETHERED_JS_VALUES_H_
#define TETHERED_JS_VALUES_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "napi.h"

namespace tethered {

struct SpawnRequest;

// One call's arguments, read by position; runs on a JS thread. A value of the wrong type is a
// programming error in src/: the first throws a TypeError naming the argument and later reads
// return empty values. A failing Node-API call (teardown) makes Failure() -EINVAL instead.
class JsArgs {
 public:
  explicit JsArgs(const Napi::CallbackInfo& info) : env_(info.Env()), info_(info) {}

  std::string String(size_t i, const char* name) { return Text(info_[i], name, "a string"); }
  std::vector<std::string> Strings(size_t i, const char* name);  // an array of strings
  std::vector<int> Int32s(size_t i, const char* name);           // an Int32Array
  bool Bool(size_t i, const char* name);
  int32_t Int32(size_t i, const char* name);
  double Double(size_t i, const char* name);
  bool Defined(size_t i) { return Defined(info_[i]); }  // not undefined
  // Element k of the array argument i: a Uint8Array's bytes (borrowed for this call), or nullptr
  // when the element is undefined.
  const char* Bytes(size_t i, uint32_t k, const char* name, size_t* length);

  bool ok() const { return state_ == kOk; }
  // The call's result after a failed read: undefined with the TypeError pending, or -EINVAL.
  Napi::Value Failure() const;

 private:
  enum State { kOk, kThrown, kFailed };
  // `value` if reading may go on and it has `type`; else nullptr (and the state says why).
  napi_value Checked(napi_value value, napi_valuetype type, const char* name, const char* expected);
  std::string Text(napi_value value, const char* name, const char* expected);
  template <typename T>
  T Scalar(size_t i, const char* name, napi_valuetype type, const char* expected,
           napi_status (*get)(napi_env, napi_value, T*));
  void* TypedArray(napi_value value, napi_typedarray_type type, const char* name,
                   const char* expected, size_t* length);
  void Check(napi_status status);
  void Throw(const char* name, const char* expected);  // only while ok()
  bool Defined(napi_value value);

  napi_env env_;
  const Napi::CallbackInfo& info_;
  State state_ = kOk;
};

// Arguments 0..kLaunchArgCount-1 of spawn() and spawnSync() alike: file, args, envPairs, cwd, fds,
// detached, uid, gid, deathSignal, tree, treeGraceMs (see src/binding.ts).
constexpr size_t kLaunchArgCount = 11;
void ReadLaunch(JsArgs* args, SpawnRequest* request);

// Runs on a JS thread. `numbers` as a JS array with `extra` more slots; if the environment is
// being torn down, whatever could be built (nullptr: not even the array).
napi_value NumberArray(napi_env env, std::initializer_list<int64_t> numbers, size_t extra = 0);
// Runs on a JS thread. array[i] = value, unless either is nullptr (teardown).
void SetElement(napi_env env, napi_value array, uint32_t i, napi_value value);

}  // namespace tethered

#endif  // TETHERED_JS_VALUES_H_
