// Checks that a graph is well formed before it is planned or serialized: every op is registered,
// every input names a live node and an existing output, names are unique, there is no cycle, and
// each node's recorded output types are what its shape function gives today.
//
//   kiln::VerifyGraph(g);   // throws kiln::Error naming the first bad node
#pragma once

#include "graph/graph.h"

namespace kiln {

void VerifyGraph(const Graph& graph);

}  // namespace kiln
