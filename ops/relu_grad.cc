#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ReluGrad",
    .inputs = {{"y", kFloatTypes}, {"dy", kFloatTypes}},
    .outputs = {{"dx"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // Linear in dy; piecewise constant in y, so y gets no gradient.
    .grad_fn = [](GradContext& c) -> Grads {
      return {{}, c.b.Op("ReluGrad", {c.x(0), c.dy()})};
    },
    .doc = "dy where y > 0, else 0: the gradient of Relu.",
});

}  // namespace
}  // namespace kiln::ops
