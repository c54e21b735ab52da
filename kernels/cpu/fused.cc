// Kernels of the fused ops the optimizer passes create.
#include <Eigen/Dense>

#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/gemm.h"
#include "ops/activations.h"

namespace kiln::cpu {
namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The node's activation, parsed once when the kernel is created.
ops::Activation ParseActivation(const Node& n) {
  return ops::GetActivation(n.attrs.Get<std::string>("activation"), n.op + " '" + n.name + "'")
      .kind;
}

template <typename T>
void FusedMatMul(KernelContext& c, ops::Activation act) {
  const Tensor& x = c.input(0);
  const Tensor& w = c.input(1);
  Tensor& out = c.output(0);
  Gemm(x.data<T>(), false, w.data<T>(), false, out.data<T>(), x.dim(0), w.dim(1), x.dim(1));
  ConstVec<T> bias(c.input(2).data<T>(), w.dim(1));
  // Bias and activation row by row, while each row of the GEMM result is still in cache.
  for (int64_t r = 0; r < out.dim(0); ++r) {
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> row(out.data<T>() + r * out.dim(1), out.dim(1));
    row += bias;
    switch (act) {
      case ops::Activation::kRelu:
        row = row.max(T(0));
        break;
      case ops::Activation::kSigmoid:
        row = (T(1) + (-row).exp()).inverse();  // as the Sigmoid kernel computes it
        break;
      case ops::Activation::kTanh:
        row = row.tanh();
        break;
      case ops::Activation::kLinear:
      case ops::Activation::kSoftmax:  // never fused (the shape function refuses it)
      case ops::Activation::kComposed:
        break;
    }
  }
}

template <typename T>
void FusedActivationBiasGrad(KernelContext& c, ops::Activation act) {
  const Tensor& dy = c.input(0);
  const Tensor& y = c.input(1);
  const int64_t rows = dy.dim(0), cols = dy.dim(1);
  Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> db(c.output(1).data<T>(), cols);
  db.setZero();
  for (int64_t r = 0; r < rows; ++r) {
    ConstVec<T> g(dy.data<T>() + r * cols, cols), v(y.data<T>() + r * cols, cols);
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> dz(c.output(0).data<T>() + r * cols, cols);
    switch (act) {
      case ops::Activation::kRelu:
        dz = (v > T(0)).select(g, T(0));
        break;
      case ops::Activation::kSigmoid:
        dz = g * v * (T(1) - v);
        break;
      case ops::Activation::kTanh:
        dz = g * (T(1) - v * v);
        break;
      case ops::Activation::kLinear:
      case ops::Activation::kSoftmax:  // never fused (the shape function refuses them)
      case ops::Activation::kComposed:
        dz = g;
        break;
    }
    db += dz;
  }
}

template <void (*Fn)(KernelContext&, ops::Activation)>
KernelFactory WithActivation() {
  return [](const Node& n) -> KernelFn {
    const ops::Activation act = ParseActivation(n);
    return [act](KernelContext& c) { Fn(c, act); };
  };
}

KILN_REGISTER_KERNEL_FACTORY("FusedMatMul", "cpu", kFloat32,
                             (WithActivation<FusedMatMul<float>>()));
KILN_REGISTER_KERNEL_FACTORY("FusedMatMul", "cpu", kFloat64,
                             (WithActivation<FusedMatMul<double>>()));
KILN_REGISTER_KERNEL_FACTORY("FusedActivationBiasGrad", "cpu", kFloat32,
                             (WithActivation<FusedActivationBiasGrad<float>>()));
KILN_REGISTER_KERNEL_FACTORY("FusedActivationBiasGrad", "cpu", kFloat64,
                             (WithActivation<FusedActivationBiasGrad<double>>()));

}  // namespace
}  // namespace kiln::cpu
