// The memory plan: a buffer for every computed output of an ordered list of steps, reusing
// buffers once their last reader has run.
//
//   std::vector<std::vector<Tensor>> values(graph.capacity());   // by node id, then output
//   kiln::MemoryPlan plan = kiln::PlanMemory(graph, steps, types, fetches, values);
//   plan.planned_bytes <= plan.unshared_bytes;
//
// Each planned value has a root: itself, or for a view (kAliasInput0) the root of what it views.
// A root's buffer returns to its device's pool once the last step reading any value on it has
// run; fetched values are never freed. A new output takes the smallest free buffer of its
// device that fits, else a new one from the device's allocator. An elementwise op writes over a
// same-sized input of the same device that dies with it (in place). Steps that are not kCompute
// get no buffer here (the executor binds feeds, variables, constants and views).
#pragma once

#include <span>
#include <vector>

#include "graph/graph.h"
#include "kernels/kernel_registry.h"

namespace kiln {

class Allocator;

struct PlannedStep {
  int node;
  Binding binding;
  Allocator* allocator;  // of the device the node runs on
};

struct MemoryPlan {
  size_t planned_bytes = 0;   // bytes allocated
  size_t unshared_bytes = 0;  // what the outputs would take without reuse
};

// `types` is indexed by node id, then output; `values` receives the planned buffers (views of the
// right dtype and shape) of every kCompute step's outputs.
MemoryPlan PlanMemory(const Graph& graph, std::span<const PlannedStep> steps,
                      const std::vector<std::vector<TensorType>>& types,
                      std::span<const ValueRef> fetches, std::vector<std::vector<Tensor>>& values);

}  // namespace kiln
