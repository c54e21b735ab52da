// Dead-code elimination: removes every node that no kept node and no stateful node (an update,
// which must run) depends on.
#include "graph/op_def.h"
#include "passes/pass.h"

namespace kiln::passes {
namespace {

class DeadCodeEliminationPass : public Pass {
 public:
  std::string name() const override { return "dead-code-elimination"; }
  bool Run(Graph& g, const PassOptions& o) override {
    std::vector<char> live(g.capacity(), 0);
    std::vector<int> stack;
    for (int id : g.NodeIds()) {
      const OpDef& def = OpRegistry::Global().Get(g.node(id).op);
      if (IsKept(o, id) || def.writes_inputs()) stack.push_back(id);
    }
    while (!stack.empty()) {
      int id = stack.back();
      stack.pop_back();
      if (live[id]) continue;
      live[id] = 1;
      for (const ValueRef& in : g.node(id).inputs) stack.push_back(in.node);
    }
    bool changed = false;
    for (int id : g.NodeIds())
      if (!live[id]) {
        g.RemoveNode(id);
        changed = true;
      }
    return changed;
  }
};

}  // namespace

std::unique_ptr<Pass> DeadCodeElimination() { return std::make_unique<DeadCodeEliminationPass>(); }

}  // namespace kiln::passes
