#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ApplyGradientDescent",
    .inputs = {{"var", kFloatTypes, "T", true},
               {"lr", kFloatTypes, "T"},
               {"grad", kFloatTypes, "T"}},
    .traits = kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(1).rank() != 0) c.Fail("lr must be a scalar");
      if (c.shape(0) != c.shape(2)) c.Fail("grad does not match var");
      return {};
    },
    .not_differentiable = "an optimizer update: it writes state and has no output",
    .doc = "var -= lr * grad, in place.",
});

}  // namespace
}  // namespace kiln::ops
