#include "ops/reduce_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ReduceSum",
    .inputs = {{"x", kNumericTypes}},
    .outputs = {{"y"}},
    .attrs = ReduceAttrs(),
    .shape_fn = ReduceShape,
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("BroadcastToShapeOf", {c.dy(), c.x(0)}, {{"axes", ReinsertAxes(c)}})};
    },
    .doc = "Sum over axes (all when empty).",
});

}  // namespace
}  // namespace kiln::ops
