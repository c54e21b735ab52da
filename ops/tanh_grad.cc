#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "TanhGrad",
    .inputs = {{"y", kFloatTypes, "T"}, {"dy", kFloatTypes, "T"}},
    .outputs = {{"dx"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // f(y, g) = g*(1-y^2): df/dy = -2*g*y, df/dg = 1-y^2.
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      DType t = b.type(c.x(0)).dtype;
      ValueRef dfy = b.Op("Mul", {b.Scalar(-2, t), b.Op("Mul", {c.x(1), c.x(0)})});
      return {b.Op("Mul", {c.dy(), dfy}), b.Op("TanhGrad", {c.x(0), c.dy()})};
    },
    .doc = "dy * (1 - y^2): the gradient of Tanh from its output.",
});

}  // namespace
}  // namespace kiln::ops
