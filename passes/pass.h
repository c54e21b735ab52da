// Graph optimizer passes. Each pass is a named object that rewrites a graph in place and says
// whether it changed anything; a PassManager runs them in a fixed order and reports what each did.
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
  void Add(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }
  // Runs every pass once, in order; writes "name: changed, N -> M nodes" lines to `report`.
  bool Run(Graph& graph, const PassOptions& options, std::ostream* report = nullptr);

 private:
  std::vector<std::unique_ptr<Pass>> passes_;
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
