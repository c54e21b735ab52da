// The IR: a Graph of Nodes. Each node names a registered op, takes values (outputs of other nodes)
// as inputs, carries typed attributes and has outputs with a static dtype and shape. Nodes are
// numbered by creation; removed nodes leave a hole so that ids stay stable across passes.
//
//   kiln::Graph g;
//   kiln::GraphBuilder b(g);                       // graph_builder.h
//   auto x = b.Placeholder("x", kiln::kFloat32, {kiln::kUnknownDim, 2});
//   auto w = b.Variable("w", kiln::kFloat32, {2, 1});
//   auto y = b.Op("MatMul", {x, w});               // y: [?,1]
//   g.node(y.node).op == "MatMul";  g.type(y).shape.ToString() == "[?,1]"
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/attr.h"
#include "graph/dtype.h"
#include "graph/shape.h"

namespace kiln {

struct TensorType {
  DType dtype = kFloat32;
  Shape shape;
  std::string ToString() const { return std::string(DTypeName(dtype)) + shape.ToString(); }
  friend bool operator==(const TensorType&, const TensorType&) = default;
};

// One output of one node.
struct ValueRef {
  int node = -1;
  int index = 0;
  bool valid() const { return node >= 0; }
  friend bool operator==(const ValueRef&, const ValueRef&) = default;
  friend auto operator<=>(const ValueRef&, const ValueRef&) = default;
};

struct Node {
  int id = -1;
  std::string op;
  std::string name;
  std::vector<ValueRef> inputs;
  AttrMap attrs;
  std::vector<TensorType> outputs;
  std::string device = "cpu";
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph& other);
  Graph& operator=(const Graph& other);
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  // Adds a node as given (no checks; GraphBuilder checks). Returns its id.
  int AddNode(Node node);
  void RemoveNode(int id);
  bool HasNode(int id) const { return id >= 0 && id < capacity() && nodes_[id] != nullptr; }
  Node& node(int id);
  const Node& node(int id) const;
  // Ids of the live nodes, in creation order.
  std::vector<int> NodeIds() const;
  int num_nodes() const { return live_; }
  int capacity() const { return static_cast<int>(nodes_.size()); }
  const TensorType& type(ValueRef v) const;
  // Finds a node by its unique name; -1 when absent.
  int FindNode(const std::string& name) const;
  bool IsNameTaken(const std::string& name) const { return by_name_.count(name) > 0; }
  // For every value, the (node, input slot) pairs that read it.
  std::vector<std::pair<int, int>> Consumers(ValueRef v) const;
  // Rewires every input that reads `from` to read `to`.
  void ReplaceAllUses(ValueRef from, ValueRef to);
  // Counts live nodes per op name.
  std::map<std::string, int> OpCounts() const;
  // One line per node: "name = Op(inputs) {attrs} -> types @device".
  std::string ToString() const;

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, int> by_name_;
  int live_ = 0;
};

}  // namespace kiln
