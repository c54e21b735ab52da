#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Equal",
    .inputs = {{"a", kAnyType, "T"}, {"b", kAnyType, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise | kCommutative,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c, kBool); },
    .not_differentiable = "a comparison: its boolean output is piecewise constant",
});

}  // namespace
}  // namespace kiln::ops
