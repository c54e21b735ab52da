#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "MaxPool2D",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs =
        [] {
          auto a = WindowAttrs();
          a.push_back({"pool_size", AttrType::kInts, std::vector<int64_t>{2, 2}});
          return a;
        }(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(0);
      if (x.rank() != 4) c.Fail("expected x [batch, h, w, channels]");
      const auto& p = c.attrs.Get<std::vector<int64_t>>("pool_size");
      if (p.size() != 2) c.Fail("pool_size must have two entries");
      Window win = CheckWindow(c, p[0], p[1]);
      return {{c.dtype(0), Shape{x[0], WindowOut(x[1], win.kh, win.sh, win.same),
                                 WindowOut(x[2], win.kw, win.sw, win.same), x[3]}}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("MaxPool2DGrad", {c.x(0), c.dy()}, c.attrs())};
    },
    .doc = "Maximum over each window, NHWC; padding positions never win.",
});

}  // namespace
}  // namespace kiln::ops
