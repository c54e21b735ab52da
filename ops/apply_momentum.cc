#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ApplyMomentum",
    .inputs = {{"var", kFloatTypes, "T", true},
               {"velocity", kFloatTypes, "T", true},
               {"lr", kFloatTypes, "T"},
               {"grad", kFloatTypes, "T"},
               {"momentum", kFloatTypes, "T"}},
    .attrs = {{"use_nesterov", AttrType::kBool, false}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(2).rank() != 0 || c.shape(4).rank() != 0)
        c.Fail("lr and momentum must be scalars");
      if (c.shape(0) != c.shape(1) || c.shape(0) != c.shape(3))
        c.Fail("velocity and grad must match var");
      return {};
    },
    .not_differentiable = "an optimizer update: it writes state and has no output",
    .doc = "Keras SGD with momentum, in place: v = m*v - lr*g; var += v (Nesterov: var += m*v - "
           "lr*g). The velocity slot is read by this op only.",
});

}  // namespace
}  // namespace kiln::ops
