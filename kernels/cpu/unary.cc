// Elementwise float kernels on Eigen arrays (vectorised): Neg, Abs, Sign, Square, Sqrt, Exp, Erf,
// Log, Relu, Sigmoid, Tanh, their gradient helpers, and ClipByValue.
#include <cmath>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T, typename F>
void RegisterUnary(const std::string& op, F f) {
  KernelRegistry::Global().Register({op, "cpu", DTypeOf<T>(), [f](KernelContext& c) {
                                       Flat<T>(c.output(0)) = f(Flat<T>(c.input(0)));
                                     }});
}

// Gradient helpers take two same-shaped inputs (the executor's shapes agree at run time).
template <typename T, typename F>
void RegisterPair(const std::string& op, F f) {
  KernelRegistry::Global().Register(
      {op, "cpu", DTypeOf<T>(), [f](KernelContext& c) {
         if (c.input(0).num_elements() != c.input(1).num_elements())
           throw ShapeError(c.node.op + " (node '" + c.node.name + "'): inputs differ in size");
         Flat<T>(c.output(0)) = f(Flat<T>(c.input(0)), Flat<T>(c.input(1)));
       }});
}

template <typename T>
void RegisterAll() {
  RegisterUnary<T>("Neg", [](const auto& x) { return -x; });
  RegisterUnary<T>("Abs", [](const auto& x) { return x.abs(); });
  RegisterUnary<T>("Sign", [](const auto& x) { return x.sign(); });
  RegisterUnary<T>("Square", [](const auto& x) { return x.square(); });
  RegisterUnary<T>("Sqrt", [](const auto& x) { return x.sqrt(); });
  RegisterUnary<T>("Exp", [](const auto& x) { return x.exp(); });
  // Eigen's own erf lives in the unsupported SpecialFunctions module; std::erf per element.
  RegisterUnary<T>("Erf",
                   [](const auto& x) { return x.unaryExpr([](T v) { return std::erf(v); }); });
  RegisterUnary<T>("Log", [](const auto& x) { return x.log(); });
  RegisterUnary<T>("Relu", [](const auto& x) { return x.max(T(0)); });
  // 1 / (1 + e^-x) with Eigen's exp: Eigen's logistic() approximates float32 with a relative
  // error of 2e-4 at x = -8 (JAX and TensorFlow are exact there).
  RegisterUnary<T>("Sigmoid", [](const auto& x) { return (T(1) + (-x).exp()).inverse(); });
  RegisterUnary<T>("Tanh", [](const auto& x) { return x.tanh(); });
  RegisterPair<T>("ReluGrad",
                  [](const auto& y, const auto& dy) { return (y > T(0)).select(dy, T(0)); });
  RegisterPair<T>("SigmoidGrad", [](const auto& y, const auto& dy) { return dy * y * (T(1) - y); });
  RegisterPair<T>("TanhGrad", [](const auto& y, const auto& dy) { return dy * (T(1) - y * y); });
  KernelRegistry::Global().Register({"ClipByValue", "cpu", DTypeOf<T>(), [](KernelContext& c) {
                                       T lo = static_cast<T>(c.attrs().Get<double>("min"));
                                       T hi = static_cast<T>(c.attrs().Get<double>("max"));
                                       Flat<T>(c.output(0)) = Flat<T>(c.input(0)).max(lo).min(hi);
                                     }});
}

const bool registered = [] {
  RegisterAll<float>();
  RegisterAll<double>();
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
