#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "OnesLike",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .shape_fn = SameAsInput0,
    .not_differentiable = "its value does not depend on its input",
    .doc = "Ones with the shape and dtype of x (the seed gradient of a non-scalar loss).",
});

}  // namespace
}  // namespace kiln::ops
