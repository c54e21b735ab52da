// Reverse-mode automatic differentiation over the graph IR.
//
//   kiln::GraphBuilder b(g);
//   ... build the forward graph and a scalar `loss` ...
//   std::vector<kiln::ValueRef> grads = kiln::BuildBackward(b, loss, {w, bias});
//   // grads[i] has the type of params[i]; feed it to an update op.
//
// The sweep visits, in reverse topological order, only the nodes that lie on a path from a param
// to the loss (everything else is pruned), asks each op's gradient function for its input
// gradients, and sums gradients where a value fans out. Gradients of broadcast inputs are reduced
// back to the input's shape by the op's gradient function. A non-scalar loss is seeded with ones
// (the gradient of its sum). A param that does not reach the loss gets a zero gradient.
//
// Errors: kiln::Error naming the node when the path from a param to the loss crosses an op with
// no gradient (the message gives the op's stated reason), or when the loss is not a float value.
#pragma once

#include <span>
#include <vector>

#include "graph/graph_builder.h"

namespace kiln {

std::vector<ValueRef> BuildBackward(GraphBuilder& b, ValueRef loss,
                                    std::span<const ValueRef> params);

}  // namespace kiln
