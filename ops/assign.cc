#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Assign",
    .inputs = {{"var", kNumericTypes, "T", true}, {"value", kNumericTypes, "T"}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0) != c.shape(1)) c.Fail("value must match var");
      return {};
    },
    .not_differentiable = "a state update (an optimizer's new variable or slot) with no output",
    .doc = "var = value, in place. Runs after every other reader of var in the same step, so an "
           "optimizer written as ops computes every new value from the old state, then assigns.",
});

}  // namespace
}  // namespace kiln::ops
