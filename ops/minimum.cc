#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Minimum",
    .inputs = {{"a", kNumericTypes, "T"}, {"b", kNumericTypes, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise | kCommutative,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // Ties send the gradient to a, as TensorFlow does.
    .grad_fn = [](GradContext& c) -> Grads {
      DType t = c.b.type(c.dy()).dtype;
      ValueRef mask = c.b.Op("Cast", {c.b.Op("GreaterEqual", {c.x(1), c.x(0)})}, {{"dtype", t}});
      ValueRef da = c.b.Op("Mul", {c.dy(), mask});
      ValueRef db = c.b.Op("Sub", {c.dy(), da});
      return {ReduceGradToInput(c, da, 0), ReduceGradToInput(c, db, 1)};
    },
    .doc = "Elementwise min(a, b) with numpy broadcasting.",
});

}  // namespace
}  // namespace kiln::ops
