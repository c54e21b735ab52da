// Optimizer updates. They write their variable (and slot) inputs in place: those inputs are bound
// to the VariableStore's buffers, so the write is the update.
#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> Mutable(const Tensor& t) {
  // The executor hands inputs as const; these are variable buffers the op owns by contract.
  return {const_cast<T*>(t.data<T>()), t.num_elements()};
}

template <typename T>
struct ApplyGradientDescent {
  static void Run(KernelContext& c) {
    const T lr = *c.input(1).data<T>();
    Mutable<T>(c.input(0)) -= lr * Flat<T>(c.input(2));
  }
};

template <typename T>
struct ApplyMomentum {
  static void Run(KernelContext& c) {
    auto var = Mutable<T>(c.input(0));
    auto v = Mutable<T>(c.input(1));
    const T lr = *c.input(2).data<T>();
    auto g = Flat<T>(c.input(3));
    const T m = *c.input(4).data<T>();
    v = m * v - lr * g;
    if (c.attrs().Get<bool>("use_nesterov"))
      var += m * v - lr * g;
    else
      var += v;
  }
};

template <typename T>
struct AssignMovingAverage {
  static void Run(KernelContext& c) {
    const T m = static_cast<T>(c.attrs().Get<double>("momentum"));
    auto var = Mutable<T>(c.input(0));
    var = m * var + (T(1) - m) * Flat<T>(c.input(1));
  }
};

const bool registered = [] {
  RegisterFloatKernels<AssignMovingAverage>("AssignMovingAverage");
  RegisterFloatKernels<ApplyGradientDescent>("ApplyGradientDescent");
  RegisterFloatKernels<ApplyMomentum>("ApplyMomentum");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
