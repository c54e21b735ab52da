#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Square",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {
          c.b.Op("Mul", {c.dy(), c.b.Op("Mul", {c.x(0), c.b.Scalar(2, c.b.type(c.x(0)).dtype)})})};
    },
    .doc = "x * x.",
});

}  // namespace
}  // namespace kiln::ops
