// Shared by BroadcastToShapeOf and SumToShapeOf, the pair that moves gradients between a value and
// its broadcast form. Both take `axes` (where the small shape's missing dimensions go; empty:
// right-aligned as in numpy) and `mean` (divide by the broadcast factor).
#pragma once

#include "ops/common.h"

namespace kiln::ops {

inline std::vector<AttrDef> BroadcastAttrs() {
  return {{"axes", AttrType::kInts, std::vector<int64_t>{}}, {"mean", AttrType::kBool, false}};
}

// Checks that `small` can broadcast to `big` under `axes`.
inline void CheckBroadcastable(const InferenceContext& c, const Shape& small, const Shape& big) {
  const auto& axes = c.attrs.Get<std::vector<int64_t>>("axes");
  if (small.rank() > big.rank())
    c.Fail(small.ToString() + " has more dimensions than " + big.ToString());
  std::vector<int64_t> aligned(big.rank(), 1);
  if (!axes.empty()) {
    if (small.rank() + static_cast<int>(axes.size()) != big.rank())
      c.Fail("axes do not account for the missing dimensions");
    for (size_t i = 0; i < axes.size(); ++i)
      if (axes[i] < 0 || axes[i] >= big.rank() || (i > 0 && axes[i] <= axes[i - 1]))
        c.Fail("axes must be increasing and within rank " + std::to_string(big.rank()));
    int j = 0;
    for (int i = 0; i < big.rank(); ++i)
      if (std::find(axes.begin(), axes.end(), i) == axes.end()) aligned[i] = small[j++];
  } else {
    for (int i = 0; i < small.rank(); ++i) aligned[big.rank() - small.rank() + i] = small[i];
  }
  for (int i = 0; i < big.rank(); ++i)
    if (aligned[i] != 1 && aligned[i] != big[i] && aligned[i] >= 0 && big[i] >= 0)
      c.Fail(small.ToString() + " cannot broadcast to " + big.ToString());
}

}  // namespace kiln::ops
