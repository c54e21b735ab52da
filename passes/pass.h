// Graph optimizer passes. Each pass is a named object that rewrites a graph in place and says
// whether it changed anything; a PassManager runs them in a fixed order, round after round until a
// round changes nothing (at most max_rounds), and reports what each did.
//
//   kiln::passes::PassOptions opts{.keep = {loss.node, y_pred.node}};
//   kiln::passes::RunDefaultPipeline(graph, opts, &std::cout);   // pipeline.h
//
// Contract for every pass: node ids never change meaning. A node in `keep` (something an executor
// fetches or runs) is never removed and keeps its outputs' meaning, though a pass may rewrite it in
// place (fusion turns the kept Relu of MatMul+BiasAdd+Relu into the fused op). Stateful nodes and
// their ordering are left alone.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace kiln::passes {

struct PassOptions {
  std::vector<int> keep = {};  // nodes that must survive with their outputs' meaning
};

class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string name() const = 0;
  // Returns true when the graph changed.
  virtual bool Run(Graph& graph, const PassOptions& options) = 0;
};

class PassManager {
 public:
  // A pipeline converges in two or three rounds in practice; the bound only guards against a
  // pair of passes that undo each other.
  explicit PassManager(int max_rounds = 8) : max_rounds_(max_rounds) {}
  void Add(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }
  // Runs the passes in order, repeating the whole sequence until a round changes nothing or
  // max_rounds have run. Writes "name: changed, N -> M nodes (ops)" lines to `report` for the first
  // round, then "round K: name: ..." for the passes that changed something in later rounds, and a
  // last line "fixed point after K rounds" (or "stopped after K rounds"). Returns true when any
  // pass changed the graph.
  bool Run(Graph& graph, const PassOptions& options, std::ostream* report = nullptr);
  int rounds_run() const { return rounds_run_; }

 private:
  // One round; returns true when a pass changed the graph.
  bool RunRound(Graph& graph, const PassOptions& options, int round, std::ostream* report);
  std::vector<std::unique_ptr<Pass>> passes_;
  int max_rounds_;
  int rounds_run_ = 0;
};

std::unique_ptr<Pass> DeadCodeElimination();
std::unique_ptr<Pass> CommonSubexpressionElimination();
std::unique_ptr<Pass> ConstantFolding();
std::unique_ptr<Pass> ArithmeticSimplification();
std::unique_ptr<Pass> FuseMatMulBiasActivation();
std::unique_ptr<Pass> FuseActivationBiasGrad();

// Helpers shared by the passes.
bool IsKept(const PassOptions& o, int node);
// Number of input slots reading each value of the graph, by (node, index).
std::vector<std::vector<int>> UseCounts(const Graph& g);
// Rewires uses of `from` to `to` and removes from's node when nothing needs it any more.
void ReplaceValue(Graph& g, ValueRef from, ValueRef to, const PassOptions& o);

}  // namespace kiln::passes
