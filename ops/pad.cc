#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Pad",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .attrs = {{"paddings", AttrType::kInts}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(0);
      const auto& p = c.attrs.Get<std::vector<int64_t>>("paddings");
      if (p.size() != 2 * static_cast<size_t>(x.rank()))
        c.Fail("paddings must hold (before, after) for each of the " + std::to_string(x.rank()) +
               " dimensions, got " + std::to_string(p.size()) + " values");
      std::vector<int64_t> out = x.dims();
      for (int d = 0; d < x.rank(); ++d) {
        if (p[2 * d] < 0 || p[2 * d + 1] < 0) c.Fail("paddings must not be negative");
        if (out[d] >= 0) out[d] += p[2 * d] + p[2 * d + 1];
      }
      return {{c.dtype(0), Shape(out)}};
    },
    // The gradient is the unpadded window of dy: one Slice per padded dimension.
    .grad_fn = [](GradContext& c) -> Grads {
      const auto& p = c.attrs().Get<std::vector<int64_t>>("paddings");
      const Shape& x = c.b.type(c.x(0)).shape;
      ValueRef g = c.dy();
      for (int d = 0; d < x.rank(); ++d) {
        if (p[2 * d] == 0 && p[2 * d + 1] == 0) continue;
        if (x[d] < 0)
          throw ValueError("Pad '" + c.node.name +
                           "': no gradient along a padded dimension of unknown size");
        g = c.b.Op("Slice", {g}, {{"axis", int64_t{d}}, {"begin", p[2 * d]}, {"size", x[d]}});
      }
      return {g};
    },
    .doc = "x with paddings[2d] zeros before and paddings[2d + 1] zeros after it along each "
           "dimension d.",
});

}  // namespace
}  // namespace kiln::ops
