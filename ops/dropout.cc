#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Dropout",
    .inputs = {{"state", {kInt64}, "", true}, {"x", kFloatTypes}},
    .outputs = {{"y"}, {"mask"}},
    .attrs = {{"rate", AttrType::kFloat}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 0) c.Fail("state must be an int64 scalar");
      const double rate = c.attrs.Get<double>("rate");
      if (!(rate >= 0 && rate < 1)) c.Fail("rate must be in [0, 1), got " + std::to_string(rate));
      return {c.inputs[1], c.inputs[1]};
    },
    // y = x * mask, with the mask (already scaled by 1 / (1 - rate)) fixed for this step.
    .grad_fn = [](GradContext& c) -> Grads {
      if (c.dy(1).valid())
        throw Error("Dropout (node '" + c.node.name + "'): the mask output is not differentiable");
      return {ValueRef{}, c.b.Op("Mul", {c.dy(0), c.y(1)})};
    },
    .doc =
        "Inverted dropout: zeroes each element with probability rate and scales the rest by "
        "1 / (1 - rate). The mask comes from a generator seeded by the int64 state, which the op "
        "then advances, so a seeded run repeats exactly.",
});

}  // namespace
}  // namespace kiln::ops
