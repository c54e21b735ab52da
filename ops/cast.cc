#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Cast",
    .inputs = {{"x", kAnyType}},
    .outputs = {{"y"}},
    .attrs = {{"dtype", AttrType::kDType}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      return {{c.attrs.Get<DType>("dtype"), c.shape(0)}};
    },
    // Only float-to-float casts carry a gradient; anything through an integer is piecewise
    // constant.
    .grad_fn = [](GradContext& c) -> Grads {
      DType from = c.b.type(c.x(0)).dtype;
      if (!IsFloating(from) || !IsFloating(c.attrs().Get<DType>("dtype"))) return {ValueRef{}};
      return {c.b.Op("Cast", {c.dy()}, {{"dtype", from}})};
    },
    .doc = "Converts elements to another dtype (C++ static_cast semantics).",
});

}  // namespace
}  // namespace kiln::ops
