#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "MaxPool2D",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs = PoolAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(0);
      if (x.rank() != 4) c.Fail("expected x [batch, h, w, channels]");
      return {{c.dtype(0), WindowOutput(x, CheckPool(c), x[3])}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("MaxPool2DGrad", {c.x(0), c.dy()}, c.attrs())};
    },
    .doc = "Maximum over each window, NHWC; padding positions never win.",
});

}  // namespace
}  // namespace kiln::ops
