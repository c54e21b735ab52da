// Constant folding: a node whose inputs are all constants is computed once, at optimization time,
// by its real CPU kernel, and becomes a Const. Stateful ops are never folded, nor are kept nodes
// with several outputs (a Const has one).
#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "kernels/device.h"
#include "kernels/kernel_registry.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

// Computes node `n` on constant inputs; nullopt when no CPU kernel can.
std::optional<std::vector<Tensor>> Evaluate(const Node& n, const std::vector<Tensor>& inputs) {
  std::vector<TensorType> types;
  for (const Tensor& t : inputs) types.push_back({t.dtype(), t.shape()});
  const KernelDef* k = KernelRegistry::Global().Find(n.op, "cpu", KernelKeyDType(n, types));
  if (!k) return std::nullopt;
  std::vector<Tensor> outs;
  if (k->binding == Binding::kAliasInput0) {
    outs.push_back(inputs[0].Reshaped(n.outputs[0].shape).Clone());
    return outs;
  }
  if (k->binding != Binding::kCompute) return std::nullopt;
  for (const TensorType& t : n.outputs) outs.emplace_back(t.dtype, t.shape);
  std::vector<const Tensor*> ptrs;
  for (const Tensor& t : inputs) ptrs.push_back(&t);
  KernelContext ctx{n, ptrs, outs, &GetDevice("cpu")};
  InstantiateKernel(*k, n)(ctx);
  return outs;
}

class ConstantFoldingPass : public Pass {
 public:
  std::string name() const override { return "constant-folding"; }
  bool Run(Graph& g, const PassOptions& o) override {
    bool changed = false;
    for (int id : TopologicalOrder(g)) {
      Node& n = g.node(id);
      const OpDef& def = OpRegistry::Global().Get(n.op);
      if (n.inputs.empty() || def.has(kStateful) || n.outputs.size() != 1) continue;
      bool all_const = true;
      for (const ValueRef& in : n.inputs) all_const &= g.node(in.node).op == "Const";
      if (!all_const) continue;
      bool defined = true;
      for (const auto& t : n.outputs) defined &= t.shape.IsFullyDefined();
      if (!defined) continue;
      std::vector<Tensor> inputs;
      for (const ValueRef& in : n.inputs)
        inputs.push_back(g.node(in.node).attrs.Get<Tensor>("value"));
      auto values = Evaluate(n, inputs);
      if (!values) continue;
      // Rewrite in place: the id, and so every use and any fetch of it, stays valid.
      n.op = "Const";
      n.inputs.clear();
      n.attrs = AttrMap{{"value", (*values)[0]}};
      changed = true;
    }
    (void)o;
    return changed;
  }
};

}  // namespace

std::unique_ptr<Pass> ConstantFolding() { return std::make_unique<ConstantFoldingPass>(); }

}  // namespace kiln::passes
