#include <cmath>

#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Erf",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads {
      // d erf(x) / dx = 2 / sqrt(pi) * exp(-x^2)
      GraphBuilder& b = c.b;
      const DType t = b.type(c.x(0)).dtype;
      ValueRef bell = b.Op("Exp", {b.Op("Neg", {b.Op("Square", {c.x(0)})})});
      return {b.Op("Mul", {c.dy(), b.Op("Mul", {b.Scalar(2.0 / std::sqrt(M_PI), t), bell})})};
    },
    .doc = "The error function (the exact GELU's); the gradient is dy * 2/sqrt(pi) * exp(-x^2).",
});

}  // namespace
}  // namespace kiln::ops
