#include "graph/topo_sort.h"

#include <queue>

#include "graph/op_def.h"

namespace kiln {

std::vector<int> TopologicalOrder(const Graph& graph, std::span<const int> targets) {
  const int n = graph.capacity();
  // Extra edges: every reader of a mutated value precedes the mutation.
  std::vector<std::vector<int>> extra_deps(n);
  for (int id : graph.NodeIds()) {
    const Node& node = graph.node(id);
    const OpDef* def = OpRegistry::Global().Find(node.op);
    if (!def) continue;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (!def->writes_input(i)) continue;
      for (auto [reader, slot] : graph.Consumers(node.inputs[i]))
        if (reader != id) extra_deps[id].push_back(reader);
    }
  }
  auto deps_of = [&](int id) {
    std::vector<int> deps;
    for (const ValueRef& in : graph.node(id).inputs) deps.push_back(in.node);
    deps.insert(deps.end(), extra_deps[id].begin(), extra_deps[id].end());
    return deps;
  };
  // Everything the targets need.
  std::vector<char> needed(n, 0);
  std::vector<int> stack(targets.begin(), targets.end());
  while (!stack.empty()) {
    int id = stack.back();
    stack.pop_back();
    if (!graph.HasNode(id))
      throw NotFoundError("TopologicalOrder: target or input node " + std::to_string(id) +
                          " is not in the graph");
    if (needed[id]) continue;
    needed[id] = 1;
    for (int d : deps_of(id)) stack.push_back(d);
  }
  // Only a mutation's readers that are themselves needed constrain it.
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> users(n);
  for (int id = 0; id < n; ++id) {
    if (!needed[id]) continue;
    for (int d : deps_of(id)) {
      if (!needed[d]) continue;
      ++pending[id];
      users[d].push_back(id);
    }
  }
  // Ready nodes run in id order, except that sources and updates run as soon as they can: an
  // update's gradient buffer is then free for the rest of the backward pass.
  std::vector<char> eager(n, 0);
  for (int id = 0; id < n; ++id)
    if (needed[id]) {
      const OpDef* def = OpRegistry::Global().Find(graph.node(id).op);
      eager[id] = graph.node(id).inputs.empty() || (def && def->writes_inputs());
    }
  auto later = [&](int a, int b) { return eager[a] != eager[b] ? eager[b] : a > b; };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (int id = 0; id < n; ++id)
    if (needed[id] && pending[id] == 0) ready.push(id);
  std::vector<int> order;
  while (!ready.empty()) {
    int id = ready.top();
    ready.pop();
    order.push_back(id);
    for (int u : users[id])
      if (--pending[u] == 0) ready.push(u);
  }
  for (int id = 0; id < n; ++id)
    if (needed[id] && pending[id] > 0)
      throw Error("graph has a cycle through node '" + graph.node(id).name + "' (" +
                  graph.node(id).op + ")");
  return order;
}

std::vector<int> TopologicalOrder(const Graph& graph) {
  std::vector<int> all = graph.NodeIds();
  return TopologicalOrder(graph, all);
}

}  // namespace kiln
