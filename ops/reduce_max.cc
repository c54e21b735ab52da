#include "ops/reduce_common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ReduceMax",
    .inputs = {{"x", kNumericTypes}},
    .outputs = {{"y"}},
    .attrs = ReduceAttrs(),
    .shape_fn = ReduceShape,
    // The gradient goes to the maxima, split evenly between ties (as TensorFlow does).
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      AttrMap axes{{"axes", ReinsertAxes(c)}};
      DType t = b.type(c.x(0)).dtype;
      ValueRef y_wide = b.Op("BroadcastToShapeOf", {c.y(), c.x(0)}, axes);
      ValueRef mask = b.Op("Cast", {b.Op("Equal", {c.x(0), y_wide})}, {{"dtype", t}});
      ValueRef count = b.Op("SumToShapeOf", {mask, c.y()}, axes);
      ValueRef share = b.Op("BroadcastToShapeOf", {b.Op("Div", {c.dy(), count}), c.x(0)}, axes);
      return {b.Op("Mul", {mask, share})};
    },
    .doc = "Maximum over axes (all when empty).",
});

}  // namespace
}  // namespace kiln::ops
