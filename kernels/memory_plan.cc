#include "kernels/memory_plan.h"

#include <algorithm>
#include <map>

#include "graph/op_def.h"

namespace kiln {

MemoryPlan PlanMemory(const Graph& graph, std::span<const PlannedStep> steps,
                      const std::vector<std::vector<TensorType>>& types,
                      std::span<const ValueRef> fetches, std::vector<std::vector<Tensor>>& values) {
  const int n_steps = static_cast<int>(steps.size());
  const int kForever = n_steps;
  std::map<ValueRef, ValueRef> root;
  std::map<ValueRef, int> last_use;
  std::map<ValueRef, bool> pooled;  // roots whose buffer comes from a pool
  auto root_of = [&](ValueRef v) { return root.count(v) ? root[v] : v; };
  for (int s = 0; s < n_steps; ++s) {
    const Node& n = graph.node(steps[s].node);
    const Binding b = steps[s].binding;
    for (int i = 0; i < static_cast<int>(types[n.id].size()); ++i) {
      const ValueRef v{n.id, i};
      root[v] = b == Binding::kAliasInput0 ? root_of(n.inputs[0]) : v;
      if (b == Binding::kCompute) pooled[v] = true;
    }
    for (const ValueRef& in : n.inputs) last_use[root_of(in)] = std::max(last_use[root_of(in)], s);
  }
  for (const ValueRef& f : fetches) last_use[root_of(f)] = kForever;

  MemoryPlan plan;
  // Free buffers by (device allocator, capacity in bytes).
  std::multimap<std::pair<Allocator*, size_t>, Tensor> pool;
  std::map<ValueRef, Tensor> buffer;  // the buffer of each live pooled root
  std::map<ValueRef, Allocator*> owner;
  auto release = [&](ValueRef r) {
    pool.emplace(std::make_pair(owner[r], buffer[r].nbytes()), buffer[r]);
    buffer.erase(r);
  };
  for (int s = 0; s < n_steps; ++s) {
    const PlannedStep& step = steps[s];
    const Node& n = graph.node(step.node);
    if (step.binding != Binding::kCompute) continue;
    const bool elementwise = OpRegistry::Global().Get(n.op).has(kElementwise);
    for (int i = 0; i < static_cast<int>(types[n.id].size()); ++i) {
      const TensorType& t = types[n.id][i];
      const size_t bytes = static_cast<size_t>(t.shape.NumElements()) * DTypeSize(t.dtype);
      plan.unshared_bytes += bytes;
      Tensor buf;
      for (const ValueRef& in : n.inputs) {
        const ValueRef r = root_of(in);
        // Only an input of the output's own size: a broadcast one (a [4] bias against a [3,4]
        // output) is read again after its elements are overwritten, even when its pooled buffer
        // happens to be large enough.
        const TensorType& in_t = types[in.node][in.index];
        if (!elementwise || !pooled.count(r) || last_use[r] != s || !buffer.count(r) ||
            owner[r] != step.allocator || buffer[r].nbytes() < bytes ||
            in_t.shape.NumElements() != t.shape.NumElements() ||
            DTypeSize(in_t.dtype) != DTypeSize(t.dtype))
          continue;
        buf = buffer[r];
        buffer.erase(r);
        last_use[r] = -1;  // handed over to the output; not freed again
        break;
      }
      if (!buf.valid()) {
        auto it = pool.lower_bound({step.allocator, bytes});  // the smallest that fits
        if (it != pool.end() && it->first.first == step.allocator) {
          buf = it->second;
          pool.erase(it);
        } else {
          buf = Tensor(kUInt8, Shape{static_cast<int64_t>(bytes)}, step.allocator);
          plan.planned_bytes += bytes;
        }
      }
      buffer[{n.id, i}] = buf;
      owner[{n.id, i}] = step.allocator;
      values[n.id][i] = buf.View(t.dtype, t.shape);
    }
    // Inputs whose last reader was this step give their buffers back.
    for (const ValueRef& in : n.inputs) {
      const ValueRef r = root_of(in);
      if (last_use[r] == s && buffer.count(r)) release(r);
    }
    // Outputs nobody reads (and nobody fetches) are free right away.
    for (int i = 0; i < static_cast<int>(types[n.id].size()); ++i) {
      const ValueRef v{n.id, i};
      if (!last_use.count(v) && buffer.count(v)) release(v);
    }
  }
  return plan;
}

}  // namespace kiln
