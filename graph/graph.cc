#include "graph/graph.h"

#include <sstream>

#include "graph/error.h"

namespace kiln {

Graph::Graph(const Graph& other) { *this = other; }

Graph& Graph::operator=(const Graph& other) {
  if (this == &other) return *this;
  nodes_.clear();
  for (const auto& n : other.nodes_) nodes_.push_back(n ? std::make_unique<Node>(*n) : nullptr);
  by_name_ = other.by_name_;
  live_ = other.live_;
  return *this;
}

int Graph::AddNode(Node node) {
  node.id = capacity();
  if (by_name_.count(node.name))
    throw ValueError("graph already has a node named '" + node.name + "'");
  by_name_[node.name] = node.id;
  nodes_.push_back(std::make_unique<Node>(std::move(node)));
  ++live_;
  return capacity() - 1;
}

void Graph::RemoveNode(int id) {
  if (!HasNode(id)) return;
  by_name_.erase(nodes_[id]->name);
  nodes_[id].reset();
  --live_;
}

Node& Graph::node(int id) {
  if (!HasNode(id)) throw NotFoundError("graph has no node with id " + std::to_string(id));
  return *nodes_[id];
}
const Node& Graph::node(int id) const {
  if (!HasNode(id)) throw NotFoundError("graph has no node with id " + std::to_string(id));
  return *nodes_[id];
}

std::vector<int> Graph::NodeIds() const {
  std::vector<int> ids;
  ids.reserve(live_);
  for (int i = 0; i < capacity(); ++i)
    if (nodes_[i]) ids.push_back(i);
  return ids;
}

const TensorType& Graph::type(ValueRef v) const {
  const Node& n = node(v.node);
  if (v.index < 0 || v.index >= static_cast<int>(n.outputs.size()))
    throw NotFoundError("node '" + n.name + "' has no output " + std::to_string(v.index));
  return n.outputs[v.index];
}

int Graph::FindNode(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

std::vector<std::pair<int, int>> Graph::Consumers(ValueRef v) const {
  std::vector<std::pair<int, int>> out;
  for (const auto& n : nodes_) {
    if (!n) continue;
    for (int i = 0; i < static_cast<int>(n->inputs.size()); ++i)
      if (n->inputs[i] == v) out.emplace_back(n->id, i);
  }
  return out;
}

void Graph::ReplaceAllUses(ValueRef from, ValueRef to) {
  for (auto& n : nodes_) {
    if (!n) continue;
    for (auto& in : n->inputs)
      if (in == from) in = to;
  }
}

std::map<std::string, int> Graph::OpCounts() const {
  std::map<std::string, int> counts;
  for (const auto& n : nodes_)
    if (n) ++counts[n->op];
  return counts;
}

std::string Graph::ToString() const {
  std::ostringstream os;
  for (const auto& n : nodes_) {
    if (!n) continue;
    os << n->name << " = " << n->op << "(";
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      const Node& src = node(n->inputs[i].node);
      os << (i ? ", " : "") << src.name;
      if (src.outputs.size() > 1) os << ":" << n->inputs[i].index;
    }
    os << ")";
    if (!n->attrs.items().empty()) {
      os << " {";
      bool first = true;
      for (const auto& [k, v] : n->attrs.items()) {
        os << (first ? "" : ", ") << k << "=" << AttrToString(v);
        first = false;
      }
      os << "}";
    }
    os << " ->";
    for (const auto& t : n->outputs) os << " " << t.ToString();
    os << " @" << n->device << "\n";
  }
  return os.str();
}

}  // namespace kiln
