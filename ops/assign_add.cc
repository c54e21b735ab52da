#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "AssignAdd",
    .inputs = {{"var", kNumericTypes, "T", true}, {"delta", kNumericTypes, "T"}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0) != c.shape(1)) c.Fail("delta must match var");
      return {};
    },
    .not_differentiable = "a state update (an optimizer's step count) with no output",
    .doc = "var += delta, in place. Runs after every other reader of var in the same step, so an "
           "optimizer's updates all see the step count from before the step.",
});

}  // namespace
}  // namespace kiln::ops
