#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ArgMax",
    .inputs = {{"x", kNumericTypes}},
    .outputs = {{"index"}},
    .attrs = {{"axis", AttrType::kInt, int64_t{-1}}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      int axis = NormalizeAxis(c, c.attrs.Get<int64_t>("axis"), c.shape(0).rank());
      std::vector<int64_t> out = c.shape(0).dims();
      out.erase(out.begin() + axis);
      return {{kInt64, Shape(out)}};
    },
    .not_differentiable = "an index: piecewise constant in its input",
    .doc = "Index of the first maximum along axis, as int64.",
});

}  // namespace
}  // namespace kiln::ops
