// Elementwise binary kernels with numpy broadcasting: arithmetic, powers, min/max, comparisons.
#include <cmath>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T, typename Out, typename F>
void RegisterBinary(const std::string& op, F f) {
  KernelRegistry::Global().Register(
      {op, "cpu", DTypeOf<T>(),
       [f](KernelContext& c) { BroadcastBinary<T, Out>(c.input(0), c.input(1), c.output(0), f); }});
}

template <typename T>
void RegisterArithmetic() {
  RegisterBinary<T, T>("Add", [](T a, T b) { return static_cast<T>(a + b); });
  RegisterBinary<T, T>("Sub", [](T a, T b) { return static_cast<T>(a - b); });
  RegisterBinary<T, T>("Mul", [](T a, T b) { return static_cast<T>(a * b); });
  RegisterBinary<T, T>("Maximum", [](T a, T b) { return a >= b ? a : b; });
  RegisterBinary<T, T>("Minimum", [](T a, T b) { return a <= b ? a : b; });
  RegisterBinary<T, bool>("GreaterEqual", [](T a, T b) { return a >= b; });
  RegisterBinary<T, bool>("Equal", [](T a, T b) { return a == b; });
  if constexpr (std::is_floating_point_v<T>) {
    RegisterBinary<T, T>("Div", [](T a, T b) { return a / b; });
    RegisterBinary<T, T>("Pow", [](T a, T b) { return std::pow(a, b); });
  } else {
    // Integer division by zero gives 0 rather than a crash (numpy warns and gives 0).
    RegisterBinary<T, T>("Div", [](T a, T b) { return b == 0 ? T{0} : static_cast<T>(a / b); });
  }
}

// Registered at static-initialisation time, like every kernel.
const bool registered = [] {
  RegisterArithmetic<float>();
  RegisterArithmetic<double>();
  RegisterArithmetic<int32_t>();
  RegisterArithmetic<int64_t>();
  RegisterArithmetic<uint8_t>();
  RegisterBinary<bool, bool>("Equal", [](bool a, bool b) { return a == b; });
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
