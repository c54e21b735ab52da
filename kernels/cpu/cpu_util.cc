#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {

std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out,
                                      const std::vector<int64_t>& axes) {
  const int rank = out.rank();
  std::vector<int64_t> aligned(rank, 1);
  if (!axes.empty()) {
    int j = 0;
    for (int d = 0; d < rank; ++d)
      if (std::find(axes.begin(), axes.end(), d) == axes.end()) aligned[d] = in[j++];
  } else {
    for (int d = 0; d < in.rank(); ++d) aligned[rank - in.rank() + d] = in[d];
  }
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    strides[d] = (aligned[d] == 1 && out[d] != 1) ? 0 : stride;
    stride *= aligned[d];
  }
  return strides;
}

AxisSplit SplitAt(const Shape& s, int axis) {
  AxisSplit r;
  for (int d = 0; d < s.rank(); ++d) (d < axis ? r.outer : d > axis ? r.inner : r.axis) *= s[d];
  return r;
}

}  // namespace kiln::cpu
