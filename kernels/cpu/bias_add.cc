// BiasAdd: x + bias along the last dimension, one vectorised row at a time.
#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

template <typename T>
struct BiasAdd {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const int64_t cols = c.input(1).num_elements();
    const int64_t rows = cols == 0 ? 0 : x.num_elements() / cols;
    Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> X(
        x.data<T>(), rows, cols);
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> Y(
        c.output(0).data<T>(), rows, cols);
    ConstVec<T> bias(c.input(1).data<T>(), cols);
    Y = X.rowwise() + bias.transpose();
  }
};

const bool registered = (RegisterFloatKernels<BiasAdd>("BiasAdd"), true);

}  // namespace
}  // namespace kiln::cpu
