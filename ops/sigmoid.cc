#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Sigmoid",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("SigmoidGrad", {c.y(), c.dy()})};
    },
    .doc = "1 / (1 + e^-x); the gradient dy * y * (1 - y) uses the output.",
});

}  // namespace
}  // namespace kiln::ops
