#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Abs",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("Mul", {c.dy(), c.b.Op("Sign", {c.x(0)})})};
    },
    .doc = "|x|; the gradient at 0 is 0 (sign(0)), as TensorFlow's and JAX's.",
});

}  // namespace
}  // namespace kiln::ops
