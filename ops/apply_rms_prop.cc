#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ApplyRMSProp",
    .inputs = {{"var", kFloatTypes, "T", true},
               {"mean_square", kFloatTypes, "T", true},
               {"lr", kFloatTypes, "T"},
               {"grad", kFloatTypes, "T"}},
    // `rules` defaults to "keras2", the only rule before the attribute existed, so graph files
    // written then keep their meaning.
    .attrs = {{"rho", AttrType::kFloat, 0.9},
              {"epsilon", AttrType::kFloat, 1e-7},
              {"rules", AttrType::kString, std::string("keras2")}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(2).rank() != 0) c.Fail("lr must be a scalar");
      if (c.shape(0) != c.shape(1) || c.shape(0) != c.shape(3))
        c.Fail("mean_square and grad must match var");
      const std::string& rules = c.attrs.Get<std::string>("rules");
      if (rules != "keras3" && rules != "keras2")
        c.Fail("rules must be \"keras3\" or \"keras2\", got \"" + rules + "\"");
      return {};
    },
    .not_differentiable = "an optimizer update: it writes state and has no output",
    .doc = "Keras RMSprop, in place, at var's precision: a = rho*a + (1-rho)*g^2, then rules "
           "\"keras3\" (Keras 3, tf.keras 2.11+): var -= lr*g/sqrt(a+epsilon), 1-rho rounded "
           "from float64 (a Python float there); \"keras2\" (standalone Keras 2, tf.keras's "
           "optimizer_v2 without momentum): var -= lr*g/(sqrt(a)+epsilon), 1-rho at var's "
           "precision. The mean_square slot is read by this op only.",
});

}  // namespace
}  // namespace kiln::ops
