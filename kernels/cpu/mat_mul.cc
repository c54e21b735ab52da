// MatMul: the kernels' threaded GEMM (gemm.h).
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/gemm.h"

namespace kiln::cpu {
namespace {

template <typename T>
struct MatMul {
  static void Run(KernelContext& c) {
    const Tensor& a = c.input(0);
    const Tensor& b = c.input(1);
    Tensor& out = c.output(0);
    const bool ta = c.attrs().Get<bool>("transpose_a"), tb = c.attrs().Get<bool>("transpose_b");
    Gemm(a.data<T>(), ta, b.data<T>(), tb, out.data<T>(), out.dim(0), out.dim(1),
         ta ? a.dim(0) : a.dim(1));
  }
};

const bool registered = (RegisterFloatKernels<MatMul>("MatMul"), true);

}  // namespace
}  // namespace kiln::cpu
