#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "ReluGrad",
    // Version 2 takes (y, dy) like every gradient of ops/activations.h; version 1 took (dy, y).
    .version = 2,
    .inputs = {{"y", kFloatTypes, "T"}, {"dy", kFloatTypes, "T"}},
    .outputs = {{"dx"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // Linear in dy; piecewise constant in y, so y gets no gradient.
    .grad_fn = [](GradContext& c) -> Grads {
      return {{}, c.b.Op("ReluGrad", {c.x(0), c.dy()})};
    },
    .doc = "dy where y > 0, else 0: the gradient of Relu.",
    .upgrade =
        [](Node& n, int) {
          if (n.inputs.size() == 2) std::swap(n.inputs[0], n.inputs[1]);
        },
});

}  // namespace
}  // namespace kiln::ops
