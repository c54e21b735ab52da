#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ClipByValue",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs = {{"min", AttrType::kFloat}, {"max", AttrType::kFloat}},
    .traits = kElementwise,
    .shape_fn =
        [](const InferenceContext& c) {
          if (c.attrs.Get<double>("min") > c.attrs.Get<double>("max"))
            c.Fail("min is greater than max");
          return SameAsInput0(c);
        },
    // The gradient passes where clipping left x unchanged (y == x), as in TensorFlow.
    .grad_fn = [](GradContext& c) -> Grads {
      DType t = c.b.type(c.x(0)).dtype;
      ValueRef kept = c.b.Op("Cast", {c.b.Op("Equal", {c.x(0), c.y()})}, {{"dtype", t}});
      return {c.b.Op("Mul", {c.dy(), kept})};
    },
    .doc = "min(max(x, min), max).",
});

}  // namespace
}  // namespace kiln::ops
