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

// Keras's two generations of update rules differ in RMSprop's epsilon and in how 1 - rho (or
// 1 - beta) is rounded: Keras 3 and tf.keras 2.11+ take it from Python floats, rounded once from
// float64; standalone Keras 2 and tf.keras's optimizer_v2 compute it from a float variable.
template <typename T>
T OneMinus(double x, bool keras3) {
  return keras3 ? static_cast<T>(1.0 - x) : T(1) - static_cast<T>(x);
}

template <typename T>
struct ApplyRMSProp {
  static void Run(KernelContext& c) {
    const bool keras3 = c.attrs().Get<std::string>("rules") == "keras3";
    const double rho_attr = c.attrs().Get<double>("rho");
    const T rho = static_cast<T>(rho_attr), one_minus_rho = OneMinus<T>(rho_attr, keras3);
    const T eps = static_cast<T>(c.attrs().Get<double>("epsilon"));
    auto var = Mutable<T>(c, 0);
    auto a = Mutable<T>(c, 1);
    const T lr = *c.input(2).data<T>();
    auto g = Flat<T>(c.input(3));
    a = rho * a + one_minus_rho * g.square();
    if (keras3)
      var -= lr * g / (a + eps).sqrt();
    else
      var -= lr * g / (a.sqrt() + eps);
  }
};

template <typename T>
struct ApplyAdam {
  static void Run(KernelContext& c) {
    // Everything at the variable's precision, as Keras computes it (so a model reloaded from its
    // float32 training_config continues as Keras would).
    const bool keras3 = c.attrs().Get<std::string>("rules") == "keras3";
    const double b1 = c.attrs().Get<double>("beta_1"), b2 = c.attrs().Get<double>("beta_2");
    const T eps = static_cast<T>(c.attrs().Get<double>("epsilon"));
    auto var = Mutable<T>(c, 0);
    auto m = Mutable<T>(c, 1);
    auto v = Mutable<T>(c, 2);
    const T t = static_cast<T>(*c.input(3).data<int64_t>() + 1);
    const T lr = *c.input(4).data<T>();
    auto g = Flat<T>(c.input(5));
    const T b1_power = std::pow(static_cast<T>(b1), t), b2_power = std::pow(static_cast<T>(b2), t);
    const T alpha = lr * std::sqrt(T(1) - b2_power) / (T(1) - b1_power);
    m += (g - m) * OneMinus<T>(b1, keras3);
    v += (g.square() - v) * OneMinus<T>(b2, keras3);
    var -= (m * alpha) / (v.sqrt() + eps);
  }
};

template <typename T>
struct AssignAdd {
  static void Run(KernelContext& c) {
    Tensor var = c.written_input(0);
    const T* delta = c.input(1).data<T>();
    for (int64_t i = 0; i < var.num_elements(); ++i) var.data<T>()[i] += delta[i];
  }
};

template <typename T>
struct Assign {
  static void Run(KernelContext& c) {
    Tensor var = c.written_input(0);
    const T* value = c.input(1).data<T>();
    std::copy(value, value + var.num_elements(), var.data<T>());
  }
};

const bool registered = [] {
  RegisterFloatKernels<ApplyRMSProp>("ApplyRMSProp");
  RegisterFloatKernels<ApplyAdam>("ApplyAdam");
  RegisterFloatKernels<AssignMovingAverage>("AssignMovingAverage");
  RegisterFloatKernels<ApplyGradientDescent>("ApplyGradientDescent");
  RegisterFloatKernels<ApplyMomentum>("ApplyMomentum");
  RegisterFloatKernels<AssignAdd>("AssignAdd");
  RegisterFloatKernels<Assign>("Assign");
  KernelRegistry::Global().Register({"AssignAdd", "cpu", kInt32, AssignAdd<int32_t>::Run});
  KernelRegistry::Global().Register({"AssignAdd", "cpu", kInt64, AssignAdd<int64_t>::Run});
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
