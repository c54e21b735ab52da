#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Tanh",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("TanhGrad", {c.y(), c.dy()})};
    },
    .doc = "Hyperbolic tangent; the gradient dy * (1 - y^2) uses the output.",
});

}  // namespace
}  // namespace kiln::ops
