#include "ops/activations.h"
#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "FusedActivationBiasGrad",
    .inputs = {{"dy", kFloatTypes, "T"}, {"y", kFloatTypes, "T"}},
    .outputs = {{"dz"}, {"dbias"}},
    .attrs = {{"activation", AttrType::kString}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 2 || c.shape(0) != c.shape(1))
        c.Fail("dy and y must be matrices of one shape");
      const ActivationDef* act = FindActivation(c.attrs.Get<std::string>("activation"));
      if (!act || !act->fuses || act->grad_op.empty())
        c.Fail("activation '" + c.attrs.Get<std::string>("activation") + "' does not fuse");
      return {c.inputs[0], {c.dtype(0), Shape{c.shape(0)[1]}}};
    },
    .not_differentiable = "a gradient op made by fusion after autodiff; second derivatives go "
                          "through the unfused ops",
    .doc = "dz = activation'(y) * dy and dbias = column sums of dz, in one pass (made by the "
           "fuse-activation-bias-grad pass).",
});

}  // namespace
}  // namespace kiln::ops
