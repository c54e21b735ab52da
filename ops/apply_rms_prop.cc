#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ApplyRMSProp",
    .inputs = {{"var", kFloatTypes, "T", true},
               {"mean_square", kFloatTypes, "T", true},
               {"lr", kFloatTypes, "T"},
               {"grad", kFloatTypes, "T"}},
    .attrs = {{"rho", AttrType::kFloat, 0.9}, {"epsilon", AttrType::kFloat, 1e-7}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(2).rank() != 0) c.Fail("lr must be a scalar");
      if (c.shape(0) != c.shape(1) || c.shape(0) != c.shape(3))
        c.Fail("mean_square and grad must match var");
      return {};
    },
    .not_differentiable = "an optimizer update: it writes state and has no output",
    .doc = "Keras RMSprop, in place: a = rho*a + (1-rho)*g^2; var -= lr*g/(sqrt(a)+epsilon). The "
           "mean_square slot is read by this op only.",
});

}  // namespace
}  // namespace kiln::ops
