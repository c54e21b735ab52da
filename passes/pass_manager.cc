#include <algorithm>

#include "graph/op_def.h"
#include "graph/verifier.h"
#include "passes/pass.h"

namespace kiln::passes {

bool IsKept(const PassOptions& o, int node) {
  return std::find(o.keep.begin(), o.keep.end(), node) != o.keep.end();
}

std::vector<std::vector<int>> UseCounts(const Graph& g) {
  std::vector<std::vector<int>> uses(g.capacity());
  for (int id : g.NodeIds()) uses[id].assign(g.node(id).outputs.size(), 0);
  for (int id : g.NodeIds())
    for (const ValueRef& in : g.node(id).inputs) ++uses[in.node][in.index];
  return uses;
}

void ReplaceValue(Graph& g, ValueRef from, ValueRef to, const PassOptions&) {
  g.ReplaceAllUses(from, to);
}

bool PassManager::Run(Graph& graph, const PassOptions& options, std::ostream* report) {
  bool any = false;
  bool changed = true;
  for (rounds_run_ = 0; changed && rounds_run_ < max_rounds_;) {
    changed = RunRound(graph, options, ++rounds_run_, report);
    any |= changed;
  }
  if (report)
    *report << (changed ? "stopped after " : "fixed point after ") << rounds_run_
            << (rounds_run_ == 1 ? " round\n" : " rounds\n");
  return any;
}

bool PassManager::RunRound(Graph& graph, const PassOptions& options, int round,
                           std::ostream* report) {
  bool any = false;
  for (auto& pass : passes_) {
    const int before = graph.num_nodes();
    const auto counts_before = graph.OpCounts();
    const bool changed = pass->Run(graph, options);
    VerifyGraph(graph);  // every pass must leave a well-formed graph
    any |= changed;
    if (report && (round == 1 || changed)) {
      if (round > 1) *report << "round " << round << ": ";
      *report << pass->name() << ": " << (changed ? "changed" : "no change") << ", " << before
              << " -> " << graph.num_nodes() << " nodes";
      if (changed) {
        const auto after = graph.OpCounts();
        std::string delta;
        auto ops = counts_before;
        for (const auto& [op, n] : after) ops.emplace(op, 0);
        for (const auto& [op, n0] : ops) {
          const int n1 = after.count(op) ? after.at(op) : 0;
          if (n1 != n0) delta += " " + op + (n1 > n0 ? "+" : "") + std::to_string(n1 - n0);
        }
        *report << " (" << (delta.empty() ? " rewired" : delta.substr(1)) << ")";
      }
      *report << "\n";
    }
  }
  return any;
}

}  // namespace kiln::passes
