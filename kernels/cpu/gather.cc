// Gather and its gradient, GatherGrad: row copies and row additions along params' first axis.
#include <string>

#include "graph/error.h"
#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

// The row of index `i`; throws kiln::ValueError naming the node and the index when it is outside.
template <typename Index>
int64_t Row(const KernelContext& c, Index i, int64_t rows) {
  if (i < 0 || i >= rows)
    throw ValueError(c.node.op + " '" + c.node.name + "': index " + std::to_string(i) +
                     " is outside [0, " + std::to_string(rows) + ")");
  return static_cast<int64_t>(i);
}

// Calls fn(Index{}) with the C++ type of an index dtype (int32 or int64).
template <typename Fn>
void DispatchIndex(DType t, Fn&& fn) {
  if (t == kInt32)
    fn(int32_t{});
  else
    fn(int64_t{});
}

template <typename T>
void GatherKernel(KernelContext& c) {
  const Tensor &params = c.input(0), &indices = c.input(1);
  const int64_t rows = params.shape()[0],
                width = params.num_elements() / std::max<int64_t>(rows, 1);
  const T* src = params.data<T>();
  T* dst = c.output(0).data<T>();
  DispatchIndex(indices.dtype(), [&](auto tag) {
    using Index = decltype(tag);
    const Index* idx = indices.data<Index>();
    for (int64_t n = 0; n < indices.num_elements(); ++n)
      std::copy_n(src + Row(c, idx[n], rows) * width, width, dst + n * width);
  });
}

template <typename T>
void GatherGradKernel(KernelContext& c) {
  const Tensor &dy = c.input(0), &indices = c.input(1);
  Tensor& out = c.output(0);
  const int64_t rows = out.shape()[0], width = out.num_elements() / std::max<int64_t>(rows, 1);
  const T* src = dy.data<T>();
  T* dst = out.data<T>();
  std::fill(dst, dst + out.num_elements(), T(0));
  DispatchIndex(indices.dtype(), [&](auto tag) {
    using Index = decltype(tag);
    const Index* idx = indices.data<Index>();
    for (int64_t n = 0; n < indices.num_elements(); ++n) {
      T* row = dst + Row(c, idx[n], rows) * width;
      for (int64_t j = 0; j < width; ++j) row[j] += src[n * width + j];
    }
  });
}

const bool registered = [] {
  auto& r = KernelRegistry::Global();
  r.Register({"Gather", "cpu", kFloat32, GatherKernel<float>});
  r.Register({"Gather", "cpu", kFloat64, GatherKernel<double>});
  r.Register({"GatherGrad", "cpu", kFloat32, GatherGradKernel<float>});
  r.Register({"GatherGrad", "cpu", kFloat64, GatherGradKernel<double>});
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
