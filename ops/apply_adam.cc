#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ApplyAdam",
    // Version 2: the step count is the optimizer's shared, read-only int64 `iterations` (steps
    // taken before this one), where version 1 kept and advanced a float step per variable.
    .version = 2,
    .inputs = {{"var", kFloatTypes, "T", true},
               {"m", kFloatTypes, "T", true},
               {"v", kFloatTypes, "T", true},
               {"iterations", {kInt64}},
               {"lr", kFloatTypes, "T"},
               {"grad", kFloatTypes, "T"}},
    .attrs = {{"beta_1", AttrType::kFloat, 0.9},
              {"beta_2", AttrType::kFloat, 0.999},
              {"epsilon", AttrType::kFloat, 1e-7},
              {"rules", AttrType::kString, std::string("keras3")}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(3).rank() != 0 || c.shape(4).rank() != 0)
        c.Fail("iterations and lr must be scalars");
      if (c.shape(0) != c.shape(1) || c.shape(0) != c.shape(2) || c.shape(0) != c.shape(5))
        c.Fail("m, v and grad must match var");
      const std::string& rules = c.attrs.Get<std::string>("rules");
      if (rules != "keras3" && rules != "keras2")
        c.Fail("rules must be \"keras3\" or \"keras2\", got \"" + rules + "\"");
      return {};
    },
    .not_differentiable = "an optimizer update: it writes state and has no output",
    .doc = "Keras Adam, in place, at var's precision: t = iterations + 1; alpha = "
           "lr*sqrt(1-beta_2^t)/(1-beta_1^t); m += (g-m)*(1-beta_1); v += (g^2-v)*(1-beta_2); "
           "var -= m*alpha/(sqrt(v)+epsilon) (the \"epsilon hat\" form, in every Keras). rules "
           "\"keras3\" (Keras 3, tf.keras 2.11+) rounds 1-beta from float64, as those take beta "
           "as a Python float; \"keras2\" (tf.keras's optimizer_v2, standalone Keras 2) computes "
           "it at var's precision, as beta lives in a variable there.",
});

}  // namespace
}  // namespace kiln::ops
