// Optimizer updates. They write their variable (and slot) inputs in place: those inputs are bound
// to the VariableStore's buffers, so the write is the update.
#include <cmath>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

// Input i, written in place (the op declares it written: a variable or a slot).
template <typename T>
Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> Mutable(KernelContext& c, int i) {
  Tensor t = c.written_input(i);  // shares the variable's buffer, which outlives the kernel call
  return {t.data<T>(), t.num_elements()};
}

template <typename T>
struct ApplyGradientDescent {
  static void Run(KernelContext& c) {
    const T lr = *c.input(1).data<T>();
    Mutable<T>(c, 0) -= lr * Flat<T>(c.input(2));
  }
};

template <typename T>
struct ApplyMomentum {
  static void Run(KernelContext& c) {
    auto var = Mutable<T>(c, 0);
    auto v = Mutable<T>(c, 1);
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
    auto var = Mutable<T>(c, 0);
    var = m * var + (T(1) - m) * Flat<T>(c.input(1));
  }
};

template <typename T>
struct ApplyRMSProp {
  static void Run(KernelContext& c) {
    const T rho = static_cast<T>(c.attrs().Get<double>("rho"));
    const T eps = static_cast<T>(c.attrs().Get<double>("epsilon"));
    auto var = Mutable<T>(c, 0);
    auto a = Mutable<T>(c, 1);
    const T lr = *c.input(2).data<T>();
    auto g = Flat<T>(c.input(3));
    a = rho * a + (T(1) - rho) * g.square();
    var -= lr * g / (a.sqrt() + eps);
  }
};

template <typename T>
struct ApplyAdam {
  static void Run(KernelContext& c) {
    // Hyper-parameters at the variable's precision, as Keras keeps them in float32 variables (so a
    // model reloaded from its float32 training_config continues bit for bit).
    const double b1 = static_cast<T>(c.attrs().Get<double>("beta_1"));
    const double b2 = static_cast<T>(c.attrs().Get<double>("beta_2"));
    const T eps = static_cast<T>(c.attrs().Get<double>("epsilon"));
    auto var = Mutable<T>(c, 0);
    auto m = Mutable<T>(c, 1);
    auto v = Mutable<T>(c, 2);
    T* step = Mutable<T>(c, 3).data();
    *step += T(1);
    const double t = static_cast<double>(*step);
    const T lr_t = static_cast<T>(*c.input(4).data<T>() * std::sqrt(1 - std::pow(b2, t)) /
                                  (1 - std::pow(b1, t)));
    auto g = Flat<T>(c.input(5));
    m = static_cast<T>(b1) * m + static_cast<T>(1 - b1) * g;
    v = static_cast<T>(b2) * v + static_cast<T>(1 - b2) * g.square();
    var -= lr_t * m / (v.sqrt() + eps);
  }
};

const bool registered = [] {
  RegisterFloatKernels<ApplyRMSProp>("ApplyRMSProp");
  RegisterFloatKernels<ApplyAdam>("ApplyAdam");
  RegisterFloatKernels<AssignMovingAverage>("AssignMovingAverage");
  RegisterFloatKernels<ApplyGradientDescent>("ApplyGradientDescent");
  RegisterFloatKernels<ApplyMomentum>("ApplyMomentum");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
