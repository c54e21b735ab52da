#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "DepthwiseConv2D",
    .inputs = {{"x", kFloatTypes, "T"}, {"filter", kFloatTypes, "T"}},
    .outputs = {{"y"}},
    .attrs = ConvAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(0);
      const Shape& f = c.shape(1);
      if (x.rank() != 4 || f.rank() != 4)
        c.Fail("expected x [batch, h, w, channels] and filter [kh, kw, channels, multiplier]");
      if (x[3] >= 0 && x[3] != f[2])
        c.Fail("x has " + std::to_string(x[3]) + " channels, the filter expects " +
               std::to_string(f[2]));
      const Window win = CheckWindow(c, f[0], f[1]);
      return {{c.dtype(0), WindowOutput(x, win, DepthwiseChannels(f))}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("DepthwiseConv2DBackpropInput", {c.dy(), c.x(1), c.x(0)}, c.attrs()),
              c.b.Op("DepthwiseConv2DBackpropFilter", {c.x(0), c.dy(), c.x(1)}, c.attrs())};
    },
    .doc = "Per-channel 2-D convolution, NHWC, filter [kh, kw, channels, multiplier]; output "
           "channel c * multiplier + m is input channel c under filter m (TensorFlow's order).",
});

}  // namespace
}  // namespace kiln::ops
