#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "SigmoidCrossEntropy",
    .inputs = {{"logits", kFloatTypes, "T"}, {"labels", kFloatTypes, "T"}},
    .outputs = {{"loss"}},
    .traits = kElementwise,
    .shape_fn =
        [](const InferenceContext& c) {
          if (!c.shape(0).IsCompatibleWith(c.shape(1))) c.Fail("labels and logits differ in shape");
          return SameAsInput0(c);
        },
    // d/dx = sigmoid(x) - z; d/dz = -x.
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      ValueRef dx = b.Op("Mul", {c.dy(), b.Op("Sub", {b.Op("Sigmoid", {c.x(0)}), c.x(1)})});
      return {dx, b.Op("Mul", {c.dy(), b.Op("Neg", {c.x(0)})})};
    },
    .doc = "Elementwise max(x, 0) - x * z + log(1 + exp(-|x|)), stable for any logit x.",
});

}  // namespace
}  // namespace kiln::ops
