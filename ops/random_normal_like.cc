#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "RandomNormalLike",
    .inputs = {{"state", {kInt64}, "", true}, {"x", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs = {{"mean", AttrType::kFloat, 0.0}, {"stddev", AttrType::kFloat, 1.0}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 0) c.Fail("state must be an int64 scalar");
      if (!(c.attrs.Get<double>("stddev") >= 0)) c.Fail("stddev must be non-negative");
      return {c.inputs[1]};
    },
    // The noise depends on x's shape only: its gradient with respect to x is zero.
    .grad_fn = [](GradContext& c) -> Grads {
      return {ValueRef{}, c.b.Op("Mul", {c.dy(0), c.b.Scalar(0, c.b.type(c.dy(0)).dtype)})};
    },
    .doc = "Normal noise with x's shape and dtype (GaussianNoise, GaussianDropout): one draw per "
           "element from std::normal_distribution on std::mt19937_64 seeded by the int64 state, "
           "which the op then advances, so a seeded run repeats exactly.",
});

}  // namespace
}  // namespace kiln::ops
