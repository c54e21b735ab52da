#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "GreaterEqual",
    .inputs = {{"a", kNumericTypes, "T"}, {"b", kNumericTypes, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c, kBool); },
    .not_differentiable = "a comparison: its boolean output is piecewise constant",
});

}  // namespace
}  // namespace kiln::ops
