#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Exp",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("Mul", {c.dy(), c.y()})};
    },
    .doc = "e^x; the gradient is dy * y.",
});

}  // namespace
}  // namespace kiln::ops
