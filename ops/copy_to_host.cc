#include "ops/common.h"

namespace kiln::ops {
namespace {

// Inserted by placement (kernels/placement.h) where a device value is read on the host; the node
// runs on the source device.
KILN_REGISTER_OP(OpDef{
    .name = "CopyToHost",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads { return {c.b.Op("CopyToDevice", {c.dy()})}; },
    .doc = "x, copied from the memory of the device the node runs on to host memory.",
});

}  // namespace
}  // namespace kiln::ops
