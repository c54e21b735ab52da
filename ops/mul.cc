#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Mul",
    .inputs = {{"a", kNumericTypes, "T"}, {"b", kNumericTypes, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise | kCommutative,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    .grad_fn = [](GradContext& c) -> Grads {
      return {ReduceGradToInput(c, c.b.Op("Mul", {c.dy(), c.x(1)}), 0),
              ReduceGradToInput(c, c.b.Op("Mul", {c.dy(), c.x(0)}), 1)};
    },
    .doc = "a * b with numpy broadcasting.",
});

}  // namespace
}  // namespace kiln::ops
