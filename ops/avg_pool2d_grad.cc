#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "AvgPool2DGrad",
    .inputs = {{"dy", kFloatTypes}, {"like"}},
    .outputs = {{"dx"}},
    .attrs = PoolAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(1);
      if (c.shape(0).rank() != 4 || x.rank() != 4) c.Fail("expected rank-4 inputs");
      CheckWindowOutput(c, x, CheckPool(c), c.shape(0), x[3]);
      return {{c.dtype(0), x}};
    },
    // Linear in dy: its gradient is AvgPool2D of the incoming gradient.
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("AvgPool2D", {c.dy()}, c.attrs()), ValueRef{}};
    },
    .doc = "The gradient of AvgPool2D: each dy spread evenly over its window's pixels inside x "
           "(shaped like `like`).",
});

}  // namespace
}  // namespace kiln::ops
