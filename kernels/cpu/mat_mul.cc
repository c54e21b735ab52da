// MatMul on Eigen's GEMM (multi-threaded through OpenMP when built with -fopenmp).
#include <Eigen/Dense>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
struct MatMul {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  static void Run(KernelContext& c) {
    const Tensor& a = c.input(0);
    const Tensor& b = c.input(1);
    Tensor& out = c.output(0);
    Eigen::Map<const Mat> A(a.data<T>(), a.dim(0), a.dim(1));
    Eigen::Map<const Mat> B(b.data<T>(), b.dim(0), b.dim(1));
    Eigen::Map<Mat> C(out.data<T>(), out.dim(0), out.dim(1));
    const bool ta = c.attrs().Get<bool>("transpose_a"), tb = c.attrs().Get<bool>("transpose_b");
    Eigen::setNbThreads(GemmThreads(out.dim(0), out.dim(1), ta ? a.dim(0) : a.dim(1)));
    if (!ta && !tb)
      C.noalias() = A * B;
    else if (!ta && tb)
      C.noalias() = A * B.transpose();
    else if (ta && !tb)
      C.noalias() = A.transpose() * B;
    else
      C.noalias() = A.transpose() * B.transpose();
  }
};

const bool registered = (RegisterFloatKernels<MatMul>("MatMul"), true);

}  // namespace
}  // namespace kiln::cpu
