#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

// Conv2D's attributes, which the gradient ops take (without output_size).
AttrMap ConvOnly(const AttrMap& a) {
  AttrMap out;
  for (const char* k : {"strides", "padding", "dilations"})
    if (a.Has(k)) out.Set(k, a.items().at(k));
  return out;
}

KILN_REGISTER_OP(OpDef{
    .name = "Conv2DTranspose",
    .inputs = {{"x", kFloatTypes, "T"}, {"filter", kFloatTypes, "T"}},
    .outputs = {{"y"}},
    .attrs =
        [] {
          auto a = ConvAttrs();
          a.push_back({"output_size", AttrType::kInts});
          return a;
        }(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(0);
      const Shape& f = c.shape(1);
      if (x.rank() != 4 || f.rank() != 4)
        c.Fail("expected x [batch, h, w, channels] and filter [kh, kw, out, in]");
      if (x[3] >= 0 && x[3] != f[3])
        c.Fail("x has " + std::to_string(x[3]) + " channels, the filter expects " +
               std::to_string(f[3]));
      const auto size = c.attrs.Get<std::vector<int64_t>>("output_size");
      if (size.size() != 2 || size[0] <= 0 || size[1] <= 0)
        c.Fail("output_size must be two positive integers");
      const Shape y{x[0], size[0], size[1], f[2]};
      // y must be an input the forward convolution maps back onto x's size.
      CheckWindowOutput(c, y, CheckWindow(c, f[0], f[1]), x, f[3]);
      return {{c.dtype(0), y}};
    },
    // The transpose of Conv2D's input gradient: Conv2D is its own adjoint's adjoint.
    .grad_fn = [](GradContext& c) -> Grads {
      const AttrMap conv = ConvOnly(c.attrs());
      return {c.b.Op("Conv2D", {c.dy(), c.x(1)}, conv),
              c.b.Op("Conv2DBackpropFilter", {c.dy(), c.x(0), c.x(1)}, conv)};
    },
    .doc = "Transposed 2-D convolution (Keras's Conv2DTranspose, TensorFlow's conv2d_transpose), "
           "NHWC, filter [kh, kw, out, in]: the input gradient of a Conv2D from an [batch, "
           "output_size, out] image with that filter, strides, padding and dilations.",
});

}  // namespace
}  // namespace kiln::ops
