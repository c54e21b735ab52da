// Element types. Kiln's tensors hold one of six dtypes; kernels are registered per dtype.
//
//   static_assert(kiln::DTypeOf<float>() == kiln::kFloat32);
//   kiln::DTypeSize(kiln::kInt64) == 8;  kiln::DTypeName(kiln::kBool) == "bool"
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace kiln {

enum class DType : uint8_t { kFloat32, kFloat64, kInt32, kInt64, kUInt8, kBool };

inline constexpr DType kFloat32 = DType::kFloat32;
inline constexpr DType kFloat64 = DType::kFloat64;
inline constexpr DType kInt32 = DType::kInt32;
inline constexpr DType kInt64 = DType::kInt64;
inline constexpr DType kUInt8 = DType::kUInt8;
inline constexpr DType kBool = DType::kBool;

inline constexpr DType kAllDTypes[] = {kFloat32, kFloat64, kInt32, kInt64, kUInt8, kBool};

constexpr size_t DTypeSize(DType t) {
  switch (t) {
    case kFloat32:
      return 4;
    case kFloat64:
      return 8;
    case kInt32:
      return 4;
    case kInt64:
      return 8;
    case kUInt8:
      return 1;
    case kBool:
      return 1;
  }
  return 0;
}

// numpy's names: "float32", "float64", "int32", "int64", "uint8", "bool".
constexpr std::string_view DTypeName(DType t) {
  switch (t) {
    case kFloat32:
      return "float32";
    case kFloat64:
      return "float64";
    case kInt32:
      return "int32";
    case kInt64:
      return "int64";
    case kUInt8:
      return "uint8";
    case kBool:
      return "bool";
  }
  return "?";
}

// Inverse of DTypeName; throws kiln::NotFoundError for an unknown name.
DType DTypeFromName(std::string_view name);

constexpr bool IsFloating(DType t) { return t == kFloat32 || t == kFloat64; }

template <typename T>
constexpr DType DTypeOf() {
  if constexpr (std::is_same_v<T, float>)
    return kFloat32;
  else if constexpr (std::is_same_v<T, double>)
    return kFloat64;
  else if constexpr (std::is_same_v<T, int32_t>)
    return kInt32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return kInt64;
  else if constexpr (std::is_same_v<T, uint8_t>)
    return kUInt8;
  else if constexpr (std::is_same_v<T, bool>)
    return kBool;
  else
    static_assert(sizeof(T) == 0, "unsupported element type");
}

// Calls fn(T{}) with the C++ type of `t`: DispatchDType(t, [&](auto tag) { using T = decltype(tag);
// });
template <typename Fn>
decltype(auto) DispatchDType(DType t, Fn&& fn) {
  switch (t) {
    case kFloat32:
      return fn(float{});
    case kFloat64:
      return fn(double{});
    case kInt32:
      return fn(int32_t{});
    case kInt64:
      return fn(int64_t{});
    case kUInt8:
      return fn(uint8_t{});
    case kBool:
      return fn(bool{});
  }
  return fn(float{});
}

}  // namespace kiln
