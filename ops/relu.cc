#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Relu",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("ReluGrad", {c.y(), c.dy()})};
    },
    .doc = "max(x, 0); the gradient passes where the output is positive.",
});

}  // namespace
}  // namespace kiln::ops
