#include "ops/conv_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "AssignMovingAverage",
    .inputs = {{"var", kFloatTypes, "T", true}, {"value", kFloatTypes, "T"}},
    .attrs = {{"momentum", AttrType::kFloat}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0) != c.shape(1)) c.Fail("value must match var");
      return {};
    },
    .not_differentiable = "a state update (batch normalization statistics) with no output",
    .doc = "var = momentum * var + (1 - momentum) * value, in place.",
});

}  // namespace
}  // namespace kiln::ops
