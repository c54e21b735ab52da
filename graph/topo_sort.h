// Execution order. Kahn's algorithm, ties broken by node id so the order is deterministic, except
// that ready sources and updates (ops that write inputs in place) go first, which frees gradients'
// memory early.
//
//   std::vector<int> order = kiln::TopologicalOrder(g, {loss.node, update.node});
//
// Only the nodes the targets need are included. A node that writes an input in place
// (ArgDef::written) (an optimizer update) runs after every other reader of the value it mutates, so
// forward and backward reads see the old weights. Throws kiln::Error naming a node on a cycle.
#pragma once

#include <span>
#include <vector>

#include "graph/graph.h"

namespace kiln {

std::vector<int> TopologicalOrder(const Graph& graph, std::span<const int> targets);
// All live nodes.
std::vector<int> TopologicalOrder(const Graph& graph);

}  // namespace kiln
