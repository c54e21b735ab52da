// Kernels of the fused ops the optimizer passes create.
#include <Eigen/Dense>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <typename T>
struct FusedMatMul {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& w = c.input(1);
    Tensor& out = c.output(0);
    Eigen::Map<const RowMajor<T>> X(x.data<T>(), x.dim(0), x.dim(1));
    Eigen::Map<const RowMajor<T>> W(w.data<T>(), w.dim(0), w.dim(1));
    Eigen::Map<RowMajor<T>> Y(out.data<T>(), out.dim(0), out.dim(1));
    Eigen::setNbThreads(GemmThreads(x.dim(0), w.dim(1), x.dim(1)));
    Y.noalias() = X * W;
    const std::string& act = c.attrs().Get<std::string>("activation");
    ConstVec<T> bias(c.input(2).data<T>(), w.dim(1));
    // Bias and activation row by row, while each row of the GEMM result is still in cache.
    for (int64_t r = 0; r < out.dim(0); ++r) {
      Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> row(out.data<T>() + r * out.dim(1),
                                                         out.dim(1));
      row += bias;
      if (act == "relu")
        row = row.max(T(0));
      else if (act == "sigmoid")
        row = row.logistic();
      else if (act == "tanh")
        row = row.tanh();
    }
  }
};

template <typename T>
struct FusedActivationBiasGrad {
  static void Run(KernelContext& c) {
    const Tensor& dy = c.input(0);
    const Tensor& y = c.input(1);
    const int64_t rows = dy.dim(0), cols = dy.dim(1);
    const std::string& act = c.attrs().Get<std::string>("activation");
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> db(c.output(1).data<T>(), cols);
    db.setZero();
    for (int64_t r = 0; r < rows; ++r) {
      ConstVec<T> g(dy.data<T>() + r * cols, cols), v(y.data<T>() + r * cols, cols);
      Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> dz(c.output(0).data<T>() + r * cols, cols);
      if (act == "relu")
        dz = (v > T(0)).select(g, T(0));
      else if (act == "sigmoid")
        dz = g * v * (T(1) - v);
      else
        dz = g * (T(1) - v * v);
      db += dz;
    }
  }
};

const bool registered = [] {
  RegisterFloatKernels<FusedMatMul>("FusedMatMul");
  RegisterFloatKernels<FusedActivationBiasGrad>("FusedActivationBiasGrad");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
