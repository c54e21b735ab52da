#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Sign",
    .inputs = {{"x", kFloatTypes}},
    .outputs = {{"y"}},
    .traits = kElementwise,
    .shape_fn = SameAsInput0,
    .not_differentiable = "piecewise constant: -1, 0 or 1",
    .doc = "-1, 0 or 1 as x is negative, zero or positive (Abs's gradient).",
});

}  // namespace
}  // namespace kiln::ops
