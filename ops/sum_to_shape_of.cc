#include "ops/broadcast_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "SumToShapeOf",
    .inputs = {{"x", kNumericTypes}, {"like"}},
    .outputs = {{"y"}},
    .attrs = BroadcastAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      CheckBroadcastable(c, c.shape(1), c.shape(0));
      return {{c.dtype(0), c.shape(1)}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("BroadcastToShapeOf", {c.dy(), c.x(0)}, c.attrs()), ValueRef{}};
    },
    .doc = "x summed over the dimensions where like has size 1 or none (divided when mean).",
});

}  // namespace
}  // namespace kiln::ops
