#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "MaxPool2DGrad",
    .inputs = {{"x", kFloatTypes}, {"dy", kFloatTypes}},
    .outputs = {{"dx"}},
    .attrs =
        [] {
          auto a = WindowAttrs();
          a.push_back({"pool_size", AttrType::kInts, std::vector<int64_t>{2, 2}});
          return a;
        }(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 4 || c.shape(1).rank() != 4) c.Fail("expected rank-4 inputs");
      const auto& p = c.attrs.Get<std::vector<int64_t>>("pool_size");
      if (p.size() != 2) c.Fail("pool_size must have two entries");
      CheckWindowOutput(c, c.shape(0), CheckWindow(c, p[0], p[1]), c.shape(1), c.shape(0)[3]);
      return {c.inputs[0]};
    },
    .not_differentiable =
        "the gradient of MaxPool2D: piecewise linear, its own gradient is not implemented",
    .doc = "Routes each window gradient to the window first maximum (as TensorFlow).",
});

}  // namespace
}  // namespace kiln::ops
