// Common-subexpression elimination: two nodes with the same op, inputs and attributes compute the
// same values, so uses of the later one are pointed at the earlier one. Constants with
// bitwise-equal values merge too; stateful nodes (feeds, variables, updates) never do.
#include <map>

#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

std::string Key(const Node& n) {
  std::string k = n.op + "|" + n.device + "|";
  for (const ValueRef& in : n.inputs)
    k += std::to_string(in.node) + ":" + std::to_string(in.index) + ",";
  for (const auto& [name, v] : n.attrs.items()) {
    k += name + "=";
    if (const Tensor* t = std::get_if<Tensor>(&v)) {
      k += std::string(DTypeName(t->dtype())) + t->shape().ToString() + "#";
      k.append(static_cast<const char*>(t->raw()), t->nbytes());
    } else {
      k += AttrToString(v);
    }
    k += ";";
  }
  return k;
}

class CsePass : public Pass {
 public:
  std::string name() const override { return "common-subexpression-elimination"; }
  bool Run(Graph& g, const PassOptions& o) override {
    bool changed = false;
    std::map<std::string, int> seen;
    for (int id : TopologicalOrder(g)) {  // inputs are canonical before their users are keyed
      const Node& n = g.node(id);
      if (OpRegistry::Global().Get(n.op).has(kStateful)) continue;
      auto [it, inserted] = seen.emplace(Key(n), id);
      if (inserted) continue;
      for (int i = 0; i < static_cast<int>(n.outputs.size()); ++i)
        g.ReplaceAllUses({id, i}, {it->second, i});
      if (!IsKept(o, id)) g.RemoveNode(id);
      changed = true;
    }
    return changed;
  }
};

}  // namespace

std::unique_ptr<Pass> CommonSubexpressionElimination() { return std::make_unique<CsePass>(); }

}  // namespace kiln::passes
