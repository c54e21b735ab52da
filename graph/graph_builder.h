// Builds a Graph one checked node at a time: the op must be registered, the inputs must exist, and
// the op's shape function runs immediately, so a shape mismatch throws kiln::ShapeError at the line
// that caused it ("op MatMul (node 'dense/MatMul'): inner dimensions differ ...").
//
//   kiln::Graph g;
//   kiln::GraphBuilder b(g);
//   auto x = b.Placeholder("x", kFloat32, {kUnknownDim, 784});
//   auto w = b.Variable("w", kFloat32, {784, 10});
//   auto logits = b.Op("MatMul", {x, w});
//   auto scope = b.Scope("dense");            // names below become "dense/..."
//
// Node names are unique: a taken name gets a "_1", "_2", ... suffix.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/op_def.h"

namespace kiln {

class GraphBuilder {
 public:
  explicit GraphBuilder(Graph& graph) : graph_(graph) {}

  // Adds one node and returns its first output.
  ValueRef Op(const std::string& op, std::vector<ValueRef> inputs, AttrMap attrs = {},
              const std::string& name = "");
  // Adds one node and returns all of its outputs.
  std::vector<ValueRef> OpN(const std::string& op, std::vector<ValueRef> inputs, AttrMap attrs = {},
                            const std::string& name = "");

  ValueRef Placeholder(const std::string& name, DType dtype, Shape shape);
  ValueRef Variable(const std::string& name, DType dtype, Shape shape);
  ValueRef Const(Tensor value, const std::string& name = "");
  // A scalar constant of `dtype`.
  ValueRef Scalar(double value, DType dtype = kFloat32, const std::string& name = "");

  const TensorType& type(ValueRef v) const { return graph_.type(v); }
  Graph& graph() { return graph_; }

  // RAII name scope: while alive, new node names are prefixed with "<scope>/".
  class ScopeGuard {
   public:
    ScopeGuard(GraphBuilder& b, std::string prev) : b_(b), prev_(std::move(prev)) {}
    ~ScopeGuard() { b_.scope_ = prev_; }
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;

   private:
    GraphBuilder& b_;
    std::string prev_;
  };
  [[nodiscard]] ScopeGuard Scope(const std::string& name);
  // A name not yet used in the graph, under the current scope.
  std::string UniqueName(const std::string& base);

 private:
  Graph& graph_;
  std::string scope_;
};

}  // namespace kiln
