#include "js_values.h"

#include <errno.h>

#include "spawner.h"

namespace tethered {

void JsArgs::Check(napi_status status) {
  if (status != napi_ok && state_ == kOk) state_ = kFailed;
}

void JsArgs::Throw(const char* name, const char* expected) {
  const std::string message = std::string("tethered binding: ") + name + " must be " + expected;
  const bool thrown =
      napi_throw_type_error(env_, "ERR_INVALID_ARG_TYPE", message.c_str()) == napi_ok;
  state_ = thrown ? kThrown : kFailed;
}

napi_value JsArgs::Checked(napi_value value, napi_valuetype type, const char* name,
                           const char* expected) {
  napi_valuetype actual = type;
  if (ok()) Check(napi_typeof(env_, value, &actual));
  if (ok() && actual != type) Throw(name, expected);
  return ok() ? value : nullptr;
}

std::string JsArgs::Text(napi_value value, const char* name, const char* expected) {
  std::string out;
  size_t length = 0;
  if (Checked(value, napi_string, name, expected) == nullptr) return out;
  Check(napi_get_value_string_utf8(env_, value, nullptr, 0, &length));
  out.resize(ok() ? length : 0);
  if (ok()) Check(napi_get_value_string_utf8(env_, value, out.data(), length + 1, &length));
  return out;
}

std::vector<std::string> JsArgs::Strings(size_t i, const char* name) {
  constexpr const char* kExpected = "an array of strings";
  napi_value array = Checked(info_[i], napi_object, name, kExpected);
  bool is_array = false;
  uint32_t length = 0;
  if (array != nullptr) Check(napi_is_array(env_, array, &is_array));
  if (ok() && is_array) Check(napi_get_array_length(env_, array, &length));
  if (ok() && !is_array) Throw(name, kExpected);
  std::vector<std::string> out;
  for (uint32_t k = 0; k < length && ok(); ++k) {
    napi_value element = nullptr;
    Check(napi_get_element(env_, array, k, &element));
    out.push_back(Text(element, name, kExpected));
  }
  return out;
}

void* JsArgs::TypedArray(napi_value value, napi_typedarray_type type, const char* name,
                         const char* expected, size_t* length) {
  bool is_typed = false;
  napi_typedarray_type actual = type;
  void* data = nullptr;
  *length = 0;
  if (Checked(value, napi_object, name, expected) != nullptr) {
    Check(napi_is_typedarray(env_, value, &is_typed));
  }
  if (ok() && is_typed) {
    Check(napi_get_typedarray_info(env_, value, &actual, length, &data, nullptr, nullptr));
  }
  if (ok() && (!is_typed || actual != type)) Throw(name, expected);
  return ok() ? data : nullptr;
}

std::vector<int> JsArgs::Int32s(size_t i, const char* name) {
  size_t length = 0;
  const int* ints = static_cast<const int*>(
      TypedArray(info_[i], napi_int32_array, name, "an Int32Array", &length));
  return ints == nullptr ? std::vector<int>() : std::vector<int>(ints, ints + length);
}

const char* JsArgs::Bytes(size_t i, uint32_t k, const char* name, size_t* length) {
  napi_value array = Checked(info_[i], napi_object, name, "an array");
  napi_value element = nullptr;
  *length = 0;
  if (array != nullptr) Check(napi_get_element(env_, array, k, &element));
  if (!ok() || !Defined(element)) return nullptr;
  const char* expected = "an array of Uint8Arrays or undefined";
  return static_cast<const char*>(TypedArray(element, napi_uint8_array, name, expected, length));
}

bool JsArgs::Defined(napi_value value) {
  napi_valuetype type = napi_undefined;
  if (ok()) Check(napi_typeof(env_, value, &type));
  return type != napi_undefined;
}

template <typename T>
T JsArgs::Scalar(size_t i, const char* name, napi_valuetype type, const char* expected,
                 napi_status (*get)(napi_env, napi_value, T*)) {
  T out{};
  napi_value value = Checked(info_[i], type, name, expected);
  if (value != nullptr) Check(get(env_, value, &out));
  return out;
}

bool JsArgs::Bool(size_t i, const char* name) {
  return Scalar<bool>(i, name, napi_boolean, "a boolean", napi_get_value_bool);
}

int32_t JsArgs::Int32(size_t i, const char* name) {
  return Scalar<int32_t>(i, name, napi_number, "a number", napi_get_value_int32);
}

double JsArgs::Double(size_t i, const char* name) {
  return Scalar<double>(i, name, napi_number, "a number", napi_get_value_double);
}

Napi::Value JsArgs::Failure() const {
  Napi::Env env(env_);
  return state_ == kThrown ? env.Undefined() : Napi::Number::New(env, -EINVAL);
}

void ReadLaunch(JsArgs* args, SpawnRequest* request) {
  // Runs on a JS thread.
  request->file = args->String(0, "file");
  request->args = args->Strings(1, "args");
  request->env = args->Strings(2, "envPairs");
  if (args->Defined(3)) request->cwd = args->String(3, "cwd");
  request->fds = args->Int32s(4, "fds");
  request->child.detached = args->Bool(5, "detached");
  request->child.set_uid = args->Defined(6);
  if (request->child.set_uid) request->child.uid = static_cast<unsigned>(args->Int32(6, "uid"));
  request->child.set_gid = args->Defined(7);
  if (request->child.set_gid) request->child.gid = static_cast<unsigned>(args->Int32(7, "gid"));
  request->child.death_signal = args->Int32(8, "deathSignal");
  request->tree = args->Bool(9, "tree");
  request->tree_grace_ms = args->Int32(10, "treeGraceMs");
}

napi_value NumberArray(napi_env env, std::initializer_list<int64_t> numbers, size_t extra) {
  napi_value array = nullptr;
  if (napi_create_array_with_length(env, numbers.size() + extra, &array) != napi_ok) return nullptr;
  uint32_t i = 0;
  for (int64_t number : numbers) {
    napi_value value = nullptr;
    if (napi_create_int64(env, number, &value) != napi_ok) value = nullptr;
    SetElement(env, array, i++, value);
  }
  return array;
}

void SetElement(napi_env env, napi_value array, uint32_t i, napi_value value) {
  if (array != nullptr && value != nullptr) (void)napi_set_element(env, array, i, value);
}

}  // namespace tethered
