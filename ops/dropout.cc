#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Dropout",
    .inputs = {{"state", {kInt64}, "", true}, {"x", kFloatTypes}},
    .outputs = {{"y"}, {"mask"}},
    .attrs = {{"rate", AttrType::kFloat}, {"noise_shape", AttrType::kInts, std::vector<int64_t>{}}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 0) c.Fail("state must be an int64 scalar");
      const double rate = c.attrs.Get<double>("rate");
      if (!(rate >= 0 && rate < 1)) c.Fail("rate must be in [0, 1), got " + std::to_string(rate));
      const Shape& x = c.shape(1);
      const auto noise = c.attrs.Get<std::vector<int64_t>>("noise_shape");
      if (noise.empty()) return {c.inputs[1], c.inputs[1]};
      if (static_cast<int>(noise.size()) != x.rank())
        c.Fail("noise_shape has " + std::to_string(noise.size()) + " dimensions, x has " +
               std::to_string(x.rank()));
      std::vector<int64_t> mask(noise);
      for (int i = 0; i < x.rank(); ++i) {
        if (mask[i] == -1)
          mask[i] = x[i];
        else if (mask[i] != 1 && mask[i] != x[i] && x[i] != kUnknownDim)
          c.Fail("noise_shape dimension " + std::to_string(i) + " must be 1, -1 or x's " +
                 std::to_string(x[i]) + ", got " + std::to_string(mask[i]));
      }
      return {c.inputs[1], TensorType{c.inputs[1].dtype, Shape(mask)}};
    },
    // y = x * mask (broadcast), the mask (already scaled by 1 / (1 - rate)) fixed for this step.
    .grad_fn = [](GradContext& c) -> Grads {
      if (c.dy(1).valid())
        throw Error("Dropout (node '" + c.node.name + "'): the mask output is not differentiable");
      return {ValueRef{}, c.b.Op("Mul", {c.dy(0), c.y(1)})};
    },
    .doc =
        "Inverted dropout: zeroes each element with probability rate and scales the rest by "
        "1 / (1 - rate). The mask comes from a generator seeded by the int64 state, which the op "
        "then advances, so a seeded run repeats exactly. A noise_shape (-1: x's dimension) "
        "draws one mask value per broadcast group, as Keras's noise_shape: the mask output has "
        "that shape.",
});

}  // namespace
}  // namespace kiln::ops
