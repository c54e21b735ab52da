#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ApplyAdam",
    .inputs = {{"var", kFloatTypes, "T", true},
               {"m", kFloatTypes, "T", true},
               {"v", kFloatTypes, "T", true},
               {"step", kFloatTypes, "T", true},
               {"lr", kFloatTypes, "T"},
               {"grad", kFloatTypes, "T"}},
    .attrs = {{"beta_1", AttrType::kFloat, 0.9},
              {"beta_2", AttrType::kFloat, 0.999},
              {"epsilon", AttrType::kFloat, 1e-7}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(3).rank() != 0 || c.shape(4).rank() != 0) c.Fail("step and lr must be scalars");
      if (c.shape(0) != c.shape(1) || c.shape(0) != c.shape(2) || c.shape(0) != c.shape(5))
        c.Fail("m, v and grad must match var");
      return {};
    },
    .not_differentiable = "an optimizer update: it writes state and has no output",
    .doc = "Keras Adam, in place: step += 1; lr_t = lr*sqrt(1-beta_2^step)/(1-beta_1^step); "
           "m = beta_1*m + (1-beta_1)*g; v = beta_2*v + (1-beta_2)*g^2; var -= "
           "lr_t*m/(sqrt(v)+epsilon). "
           "The m, v and step slots belong to this op (one step slot per variable).",
});

}  // namespace
}  // namespace kiln::ops
