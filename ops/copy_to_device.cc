#include "ops/common.h"

namespace kiln::ops {
namespace {

// Inserted by placement (kernels/placement.h) where a host value is read on another device; the
// node runs on the destination device.
KILN_REGISTER_OP(OpDef{
    .name = "CopyToDevice",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .shape_fn = SameAsInput0,
    .grad_fn = [](GradContext& c) -> Grads { return {c.b.Op("CopyToHost", {c.dy()})}; },
    .doc = "x, copied from host memory to the memory of the device the node runs on.",
});

}  // namespace
}  // namespace kiln::ops
