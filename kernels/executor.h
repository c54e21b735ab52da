// Runs a graph: planned once, run many times with new feeds.
//
//   kiln::Executor exec(graph, /*fetches=*/{loss}, /*targets=*/{update_node}, &variables);
//   for (...) {
//     std::vector<kiln::Tensor> out = exec.Run({{x, batch_x}, {y, batch_y}});
//     float l = out[0].item<float>();
//   }
//
// At construction the executor takes the nodes the fetches and targets need in topological order
// and places them (placement.h: a device and a kernel per node, copy nodes where values cross
// devices). Planning (on the first Run, and again only for a feed shape not seen before) resolves
// every shape for the fed batch size, creates each node's kernel once, and plans memory
// (memory_plan.h). A Run then only binds the feeds and calls the kernels: it allocates nothing.
// Fed tensors are used in place, not copied. Run() returns copies of the fetched values;
// RunInPlace() returns the executor's own buffers, valid until the next run.
//
// Errors: a missing feed, or a feed whose dtype or shape does not fit its placeholder, throws
// kiln::ValueError / TypeError / ShapeError naming the placeholder; fetching a value that is not
// in the graph throws kiln::NotFoundError.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "graph/variable_store.h"
#include "kernels/device.h"
#include "kernels/kernel_registry.h"
#include "kernels/placement.h"

namespace kiln {

struct Feed {
  ValueRef placeholder;
  Tensor value;
};

// GEMMs use up to KILN_NUM_THREADS (or OMP_NUM_THREADS) threads, default every core this process
// may run on, and one thread when the product is too small to gain from more
// (kernels/cpu/thread_pool.h, gemm.h).
struct ExecutorOptions {
  // Where planned buffers of CPU nodes come from (default: the CPU device's allocator).
  Allocator* allocator = nullptr;
};

class Executor {
 public:
  Executor(const Graph& graph, std::vector<ValueRef> fetches, std::vector<int> targets,
           VariableStore* variables, ExecutorOptions options = {});

  std::vector<Tensor> Run(const std::vector<Feed>& feeds);
  const std::vector<Tensor>& RunInPlace(const std::vector<Feed>& feeds);
  // Bytes of planned buffers for the most recent plan, and what they would take without reuse.
  size_t planned_bytes() const { return last_plan_ ? last_plan_->planned_bytes : 0; }
  size_t unshared_bytes() const { return last_plan_ ? last_plan_->unshared_bytes : 0; }

  // The node ids in execution order.
  const std::vector<int>& order() const { return order_; }
  // Which device each planned node runs on (after fallback), copy nodes included.
  const std::map<int, std::string>& placement() const { return placement_.device; }
  // The whole placement: kernels, where outputs live.
  const Placement& placement_info() const { return placement_; }
  int num_copies() const { return placement_.copies; }
  // The graph as placed: the given graph plus the copy nodes.
  const Graph& graph() const { return graph_; }
  int num_plans() const { return static_cast<int>(plans_.size()); }

 private:
  struct Step {
    int node;
    const KernelDef* kernel;
    KernelFn fn;  // created once per plan from the node's attributes
    Device* device;
    std::vector<const Tensor*> inputs;
    Shape alias_shape = {};  // for kAliasInput0: the view's shape
  };
  struct Plan {
    std::vector<std::vector<Tensor>> values;  // by node id, then output index
    std::vector<Step> steps;
    std::vector<Tensor> results;  // the fetched values, rebound after each run
    size_t planned_bytes = 0, unshared_bytes = 0;
  };
  Plan& PlanFor(const std::vector<Feed>& feeds);
  Plan BuildPlan(const std::vector<Feed>& feeds);
  const Tensor* FindFeed(const std::vector<Feed>& feeds, int node) const;

  Graph graph_;
  std::vector<ValueRef> fetches_;
  VariableStore* variables_;
  ExecutorOptions options_;
  std::vector<int> order_;
  std::vector<int> placeholders_;
  Placement placement_;
  std::vector<Device*> devices_;  // the non-host devices nodes run on, synchronized after a run
  std::map<std::string, Plan> plans_;
  const Plan* last_plan_ = nullptr;
};

}  // namespace kiln
