#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Variable",
    .outputs = {{"value"}},
    .attrs = {{"dtype", AttrType::kDType}, {"shape", AttrType::kInts}},
    .traits = kSource | kStateful,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      Shape s(c.attrs.Get<std::vector<int64_t>>("shape"));
      if (!s.IsFullyDefined())
        c.Fail("a variable needs a fully defined shape, got " + s.ToString());
      return {{c.attrs.Get<DType>("dtype"), s}};
    },
    .not_differentiable = "a trainable parameter: BuildBackward returns its gradient instead",
    .doc = "Mutable state, stored by name in the executor\x27s VariableStore.",
});

}  // namespace
}  // namespace kiln::ops
