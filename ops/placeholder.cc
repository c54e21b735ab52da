#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Placeholder",
    .outputs = {{"output"}},
    .attrs = {{"dtype", AttrType::kDType}, {"shape", AttrType::kInts}},
    .traits = kSource | kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      return {{c.attrs.Get<DType>("dtype"), Shape(c.attrs.Get<std::vector<int64_t>>("shape"))}};
    },
    .not_differentiable = "a graph input fed at run time; gradients stop at feeds",
    .doc = "A value fed at run time; unknown dimensions (-1) take the fed size.",
});

}  // namespace
}  // namespace kiln::ops
