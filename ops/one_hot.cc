#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "OneHot",
    .inputs = {{"indices", kIndexTypes}},
    .outputs = {{"y"}},
    .attrs = {{"depth", AttrType::kInt},
              {"dtype", AttrType::kDType, kFloat32},
              {"on_value", AttrType::kFloat, 1.0},
              {"off_value", AttrType::kFloat, 0.0}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      int64_t depth = c.attrs.Get<int64_t>("depth");
      if (depth < 0) c.Fail("depth must be >= 0, got " + std::to_string(depth));
      std::vector<int64_t> out = c.shape(0).dims();
      out.push_back(depth);
      return {{c.attrs.Get<DType>("dtype"), Shape(out)}};
    },
    .not_differentiable = "its input is an integer index",
    .doc = "on_value at each index along a new last axis of size depth, off_value elsewhere; an "
           "index outside [0, depth) gives a row of off_value (as in TensorFlow).",
});

}  // namespace
}  // namespace kiln::ops
