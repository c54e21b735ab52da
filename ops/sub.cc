#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Sub",
    .inputs = {{"a", kNumericTypes, "T"}, {"b", kNumericTypes, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    .grad_fn = [](GradContext& c) -> Grads {
      return {ReduceGradToInput(c, c.dy(), 0), ReduceGradToInput(c, c.b.Op("Neg", {c.dy()}), 1)};
    },
    .doc = "a - b with numpy broadcasting.",
});

}  // namespace
}  // namespace kiln::ops
