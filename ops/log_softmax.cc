#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "LogSoftmax",
    .inputs = {{"logits", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs = {{"axis", AttrType::kInt, int64_t{-1}}},
    .shape_fn =
        [](const InferenceContext& c) {
          NormalizeAxis(c, c.attrs.Get<int64_t>("axis"), c.shape(0).rank());
          return SameAsInput0(c);
        },
    // dx = dy - exp(y) * sum(dy, axis).
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      std::vector<int64_t> axis = {c.attrs().Get<int64_t>("axis")};
      ValueRef s = b.Op("ReduceSum", {c.dy()}, {{"axes", axis}, {"keep_dims", true}});
      return {b.Op("Sub", {c.dy(), b.Op("Mul", {b.Op("Exp", {c.y()}), s})})};
    },
    .doc = "x - log(sum(exp(x))) along axis.",
});

}  // namespace
}  // namespace kiln::ops
