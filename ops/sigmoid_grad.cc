#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "SigmoidGrad",
    .inputs = {{"y", kFloatTypes, "T"}, {"dy", kFloatTypes, "T"}},
    .outputs = {{"dx"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // f(y, g) = g*y*(1-y): df/dy = g*(1-2y), df/dg = y*(1-y).
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      DType t = b.type(c.x(0)).dtype;
      ValueRef one_minus_2y = b.Op("Sub", {b.Scalar(1, t), b.Op("Mul", {b.Scalar(2, t), c.x(0)})});
      return {b.Op("Mul", {c.dy(), b.Op("Mul", {c.x(1), one_minus_2y})}),
              b.Op("SigmoidGrad", {c.x(0), c.dy()})};
    },
    .doc = "dy * y * (1 - y): the gradient of Sigmoid from its output.",
});

}  // namespace
}  // namespace kiln::ops
