#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Softmax",
    .inputs = {{"logits", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs = {{"axis", AttrType::kInt, int64_t{-1}}},
    .shape_fn =
        [](const InferenceContext& c) {
          NormalizeAxis(c, c.attrs.Get<int64_t>("axis"), c.shape(0).rank());
          return SameAsInput0(c);
        },
    // dx = y * (dy - sum(dy * y, axis)), written with the output.
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      std::vector<int64_t> axis = {c.attrs().Get<int64_t>("axis")};
      ValueRef s =
          b.Op("ReduceSum", {b.Op("Mul", {c.dy(), c.y()})}, {{"axes", axis}, {"keep_dims", true}});
      return {b.Op("Mul", {c.y(), b.Op("Sub", {c.dy(), s})})};
    },
    .doc = "exp(x) / sum(exp(x)) along axis, computed with the maximum subtracted first.",
});

}  // namespace
}  // namespace kiln::ops
