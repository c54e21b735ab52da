// Shared by ReduceSum, ReduceMean and ReduceMax: attributes, output shape, and the broadcast of the
// output gradient back over the reduced axes.
#pragma once

#include "ops/common.h"

namespace kiln::ops {

inline std::vector<AttrDef> ReduceAttrs() {
  return {{"axes", AttrType::kInts, std::vector<int64_t>{}}, {"keep_dims", AttrType::kBool, false}};
}

inline std::vector<TensorType> ReduceShape(const InferenceContext& c) {
  const Shape& in = c.shape(0);
  std::vector<int64_t> axes = ReductionAxes(c, in.rank());
  bool keep = c.attrs.Get<bool>("keep_dims");
  std::vector<int64_t> out;
  for (int i = 0; i < in.rank(); ++i) {
    bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
    if (!reduced)
      out.push_back(in[i]);
    else if (keep)
      out.push_back(1);
  }
  return {{c.dtype(0), Shape(out)}};
}

// The reduced axes of node `n` (normalised), as BroadcastToShapeOf/SumToShapeOf expect them:
// empty when keep_dims left them in place.
inline std::vector<int64_t> ReinsertAxes(GradContext& c) {
  if (c.attrs().Get<bool>("keep_dims")) return {};
  int rank = c.b.type(c.x(0)).shape.rank();
  std::vector<int64_t> axes = c.attrs().Get<std::vector<int64_t>>("axes");
  if (axes.empty())
    for (int i = 0; i < rank; ++i) axes.push_back(i);
  for (auto& a : axes) a = a < 0 ? a + rank : a;
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

}  // namespace kiln::ops
