#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "BiasAdd",
    .inputs = {{"x", kFloatTypes, "T"}, {"bias", kFloatTypes, "T"}},
    .outputs = {{"y"}},
    .shape_fn =
        [](const InferenceContext& c) {
          if (c.shape(1).rank() != 1) c.Fail("bias must be a vector");
          if (c.shape(0).rank() < 1) c.Fail("x must have at least one dimension");
          int64_t last = c.shape(0).dim(-1);
          if (last >= 0 && last != c.shape(1)[0])
            c.Fail("bias has " + std::to_string(c.shape(1)[0]) +
                   " elements, x\x27s last dimension is " + std::to_string(last));
          return SameAsInput0(c);
        },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.dy(), SumToShapeOf(c.b, c.dy(), c.x(1))};
    },
    .doc = "x + bias along the last dimension.",
});

}  // namespace
}  // namespace kiln::ops
