// Fusion (backward): the activation's gradient ReluGrad/SigmoidGrad/TanhGrad and the bias gradient
// SumToShapeOf(dz, bias) that reads it become one FusedActivationBiasGrad node, which produces dz
// and the column sums in one pass over memory. The activation-gradient node is rewritten in place
// (its output 0 is still dz); uses of the bias gradient move to its new output 1.
#include "graph/topo_sort.h"
#include "ops/activations.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

class FuseActivationBiasGradPass : public Pass {
 public:
  std::string name() const override { return "fuse-activation-bias-grad"; }
  bool Run(Graph& g, const PassOptions& o) override {
    bool changed = false;
    for (int id : TopologicalOrder(g)) {
      if (!g.HasNode(id)) continue;
      const Node& sum = g.node(id);
      if (sum.op != "SumToShapeOf" || IsKept(o, id) || sum.attrs.Get<bool>("mean") ||
          !sum.attrs.Get<std::vector<int64_t>>("axes").empty())
        continue;
      const TensorType& target = sum.outputs[0];
      const int grad_id = sum.inputs[0].node;
      Node& grad = g.node(grad_id);
      const ops::ActivationDef* act = ops::FindActivationByGradOp(grad.op);
      if (!act || !act->fuses) continue;
      const ValueRef y = grad.inputs[0], dy = grad.inputs[1];  // every XGrad is (y, dy)
      const Shape& z = grad.outputs[0].shape;
      if (z.rank() != 2 || target.shape.rank() != 1 || target.shape[0] != z[1] ||
          g.type(dy) != g.type(y) || grad.device != sum.device)
        continue;
      grad.op = "FusedActivationBiasGrad";
      grad.inputs = {dy, y};
      grad.attrs = AttrMap{{"activation", std::string(act->name)}};
      grad.outputs = {grad.outputs[0], target};
      g.ReplaceAllUses({id, 0}, {grad_id, 1});
      g.RemoveNode(id);
      changed = true;
    }
    return changed;
  }
};

}  // namespace

std::unique_ptr<Pass> FuseActivationBiasGrad() {
  return std::make_unique<FuseActivationBiasGradPass>();
}

}  // namespace kiln::passes
