#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Log",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("Div", {c.dy(), c.x(0)})};
    },
    .doc = "Natural logarithm.",
});

}  // namespace
}  // namespace kiln::ops
