#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "MaxPool2DGrad",
    .inputs = {{"x", kFloatTypes}, {"dy", kFloatTypes}},
    .outputs = {{"dx"}},
    .attrs = PoolAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 4 || c.shape(1).rank() != 4) c.Fail("expected rank-4 inputs");
      CheckWindowOutput(c, c.shape(0), CheckPool(c), c.shape(1), c.shape(0)[3]);
      return {c.inputs[0]};
    },
    .not_differentiable =
        "the gradient of MaxPool2D: piecewise linear, its own gradient is not implemented",
    .doc = "Routes each window gradient to the window first maximum (as TensorFlow).",
});

}  // namespace
}  // namespace kiln::ops
