#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Conv2DBackpropFilter",
    .inputs = {{"x", kFloatTypes}, {"dy", kFloatTypes}, {"like"}},
    .outputs = {{"dfilter"}},
    .attrs = ConvAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 4 || c.shape(1).rank() != 4 || c.shape(2).rank() != 4)
        c.Fail("expected rank-4 inputs");
      const Shape& x = c.shape(0);
      const Shape& f = c.shape(2);
      Window win = CheckWindow(c, f[0], f[1]);
      CheckWindowOutput(c, x, win, c.shape(1), f[3]);
      if (x[3] >= 0 && x[3] != f[2])
        c.Fail("the filter expects " + std::to_string(f[2]) + " input channels");
      return {{c.dtype(0), f}};
    },
    .not_differentiable =
        "the gradient of Conv2D; second derivatives of convolutions are not implemented",
    .doc = "The gradient of Conv2D with respect to its filter (shaped like `like`).",
});

}  // namespace
}  // namespace kiln::ops
