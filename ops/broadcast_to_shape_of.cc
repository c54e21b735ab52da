#include "ops/broadcast_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "BroadcastToShapeOf",
    .inputs = {{"x", kNumericTypes}, {"like"}},
    .outputs = {{"y"}},
    .attrs = BroadcastAttrs(),
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      CheckBroadcastable(c, c.shape(0), c.shape(1));
      return {{c.dtype(0), c.shape(1)}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("SumToShapeOf", {c.dy(), c.x(0)}, c.attrs()), ValueRef{}};
    },
    .doc = "x broadcast to the run-time shape of like (divided by the factor when mean).",
});

}  // namespace
}  // namespace kiln::ops
