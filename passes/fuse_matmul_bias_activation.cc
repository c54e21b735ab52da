// Fusion: MatMul(x, w) -> BiasAdd(., b) [-> a fusable activation of ops/activations.h] becomes one
// FusedMatMul node, whose kernel adds the bias and applies the activation while the GEMM result is
// still in cache. Only when each intermediate has a single consumer and is not kept. The last node
// of the pattern is rewritten in place, so its uses (and fetches) stay valid.
#include "graph/topo_sort.h"
#include "ops/activations.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

// The fusable activation whose forward op is `op`, or nullptr.
const ops::ActivationDef* FusableActivation(const std::string& op) {
  const ops::ActivationDef* a = ops::FindActivationByOp(op);
  return a && a->fuses ? a : nullptr;
}

class FuseMatMulBiasActivationPass : public Pass {
 public:
  std::string name() const override { return "fuse-matmul-bias-activation"; }
  bool Run(Graph& g, const PassOptions& o) override {
    bool changed = false;
    auto uses = UseCounts(g);
    for (int id : TopologicalOrder(g)) {
      if (!g.HasNode(id)) continue;
      Node& last = g.node(id);
      const ops::ActivationDef* act = FusableActivation(last.op);
      int bias_id = act ? last.inputs[0].node : id;
      if (act && (uses[bias_id][0] != 1 || IsKept(o, bias_id))) continue;
      const Node& bias_add = g.node(bias_id);
      if (bias_add.op != "BiasAdd") continue;
      const int mm_id = bias_add.inputs[0].node;
      const Node& mm = g.node(mm_id);
      if (mm.op != "MatMul" || uses[mm_id][0] != 1 || IsKept(o, mm_id) ||
          mm.attrs.Get<bool>("transpose_a") || mm.attrs.Get<bool>("transpose_b") ||
          mm.device != last.device)
        continue;
      // A BiasAdd without an activation is fused too, unless an activation will take it.
      if (!act && uses[bias_id][0] == 1) {
        bool feeds_activation = false;
        for (auto [user, slot] : g.Consumers({bias_id, 0}))
          feeds_activation |= FusableActivation(g.node(user).op) != nullptr;
        if (feeds_activation) continue;
      }
      std::vector<ValueRef> inputs = {mm.inputs[0], mm.inputs[1], bias_add.inputs[1]};
      last.op = "FusedMatMul";
      last.inputs = inputs;
      last.attrs = AttrMap{{"activation", std::string(act ? act->name : "linear")}};
      if (act) g.RemoveNode(bias_id);
      g.RemoveNode(mm_id);
      changed = true;
      uses = UseCounts(g);
    }
    return changed;
  }
};

}  // namespace

std::unique_ptr<Pass> FuseMatMulBiasActivation() {
  return std::make_unique<FuseMatMulBiasActivationPass>();
}

}  // namespace kiln::passes
