#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Div",
    .inputs = {{"a", kNumericTypes, "T"}, {"b", kNumericTypes, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // d(a/b)/db = -a/b^2 = -(a/b)/b, written with the output c = a/b.
    .grad_fn = [](GradContext& c) -> Grads {
      ValueRef da = c.b.Op("Div", {c.dy(), c.x(1)});
      ValueRef db = c.b.Op("Neg", {c.b.Op("Mul", {da, c.y()})});
      return {ReduceGradToInput(c, da, 0), ReduceGradToInput(c, db, 1)};
    },
    .doc = "a / b with numpy broadcasting (integer division truncates).",
});

}  // namespace
}  // namespace kiln::ops
