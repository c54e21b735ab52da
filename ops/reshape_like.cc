#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ReshapeLike",
    .inputs = {{"x"}, {"like"}},
    .outputs = {{"y"}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& a = c.shape(0);
      const Shape& b = c.shape(1);
      if (a.IsFullyDefined() && b.IsFullyDefined() && a.NumElements() != b.NumElements())
        c.Fail("element counts differ");
      return {{c.dtype(0), b}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("ReshapeLike", {c.dy(), c.x(0)}), ValueRef{}};
    },
    .doc = "x reshaped to the run-time shape of like (the gradient of Reshape).",
});

}  // namespace
}  // namespace kiln::ops
