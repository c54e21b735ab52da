#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Sqrt",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {
          c.b.Op("Div", {c.b.Op("Mul", {c.dy(), c.b.Scalar(0.5, c.b.type(c.y()).dtype)}), c.y()})};
    },
    .doc = "Square root; the gradient 0.5 / y is written with the output.",
});

}  // namespace
}  // namespace kiln::ops
