#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Const",
    .outputs = {{"output"}},
    .attrs = {{"value", AttrType::kTensor}},
    .traits = kSource,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Tensor& v = c.attrs.Get<Tensor>("value");
      return {{v.dtype(), v.shape()}};
    },
    .not_differentiable = "a constant has no inputs to differentiate",
});

}  // namespace
}  // namespace kiln::ops
