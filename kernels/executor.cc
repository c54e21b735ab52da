#include "kernels/executor.h"

#include <iostream>

#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "graph/verifier.h"

namespace kiln {

Executor::Executor(const Graph& graph, std::vector<ValueRef> fetches, std::vector<int> targets,
                   VariableStore* variables, ExecutorOptions options)
    : graph_(graph), fetches_(std::move(fetches)), variables_(variables), options_(options) {
  VerifyGraph(graph_);
  for (const ValueRef& f : fetches_) {
    graph_.type(f);  // throws NotFoundError for a bad fetch
    targets.push_back(f.node);
  }
  order_ = TopologicalOrder(graph_, targets);
  for (int id : order_) {
    const Node& n = graph_.node(id);
    if (n.op == "Placeholder") placeholders_.push_back(id);
    if (n.op == "Variable" && variables_ == nullptr)
      throw ValueError("Executor: graph reads variable '" + n.name +
                       "' but no VariableStore was given");
  }
}

const Tensor* Executor::FindFeed(const std::vector<Feed>& feeds, int node) const {
  for (const Feed& f : feeds)
    if (f.placeholder.node == node) return &f.value;
  return nullptr;
}

Executor::Plan& Executor::PlanFor(const std::vector<Feed>& feeds) {
  for (const Feed& f : feeds) {
    if (!graph_.HasNode(f.placeholder.node) || graph_.node(f.placeholder.node).op != "Placeholder")
      throw NotFoundError("Executor: a feed targets node " + std::to_string(f.placeholder.node) +
                          ", which is not a placeholder of this graph");
  }
  std::string key;
  for (int id : placeholders_) {
    const Node& n = graph_.node(id);
    const Tensor* t = FindFeed(feeds, id);
    if (!t) throw ValueError("Placeholder '" + n.name + "' was not fed");
    const TensorType& want = n.outputs[0];
    if (t->dtype() != want.dtype)
      throw TypeError("Placeholder '" + n.name + "' expects " + want.ToString() + ", fed " +
                      std::string(DTypeName(t->dtype())) + t->shape().ToString());
    if (!t->shape().IsCompatibleWith(want.shape))
      throw ShapeError("Placeholder '" + n.name + "' expects shape " + want.shape.ToString() +
                       ", fed " + t->shape().ToString());
    key += t->shape().ToString() + ";";
  }
  auto it = plans_.find(key);
  if (it == plans_.end()) it = plans_.emplace(key, BuildPlan(feeds)).first;
  return it->second;
}

Executor::Plan Executor::BuildPlan(const std::vector<Feed>& feeds) {
  Plan plan;
  plan.values.resize(graph_.capacity());
  std::vector<std::vector<TensorType>> types(graph_.capacity());
  for (int id : order_) {
    const Node& n = graph_.node(id);
    std::vector<TensorType> in_types;
    for (const ValueRef& in : n.inputs) in_types.push_back(types[in.node][in.index]);
    DType key = KernelKeyDType(n, in_types);
    const KernelDef* k = KernelRegistry::Global().Find(n.op, n.device, key);
    std::string device = n.device;
    if (!k && n.device != "cpu") {
      k = KernelRegistry::Global().Find(n.op, "cpu", key);
      device = "cpu";
      if (k)
        std::cerr << "kiln: warning: no " << n.device << " kernel for " << n.op << " ("
                  << DTypeName(key) << "), node '" << n.name << "' runs on cpu\n";
    }
    if (!k)
      throw NotFoundError("no kernel for op " + n.op + " with dtype " +
                          std::string(DTypeName(key)) + " (node '" + n.name + "')");
    placement_[id] = device;
    if (k->binding == Binding::kFeed) {
      const Tensor* t = FindFeed(feeds, id);
      types[id] = {{t->dtype(), t->shape()}};
    } else {
      AttrMap attrs = n.attrs;
      types[id] = InferOutputTypes(OpRegistry::Global().Get(n.op), n.name, in_types, attrs);
    }
    auto& outs = plan.values[id];
    switch (k->binding) {
      case Binding::kFeed:
        outs = {*FindFeed(feeds, id)};
        break;
      case Binding::kVariable: {
        const Tensor& v = variables_->Get(n.name);
        if (v.dtype() != types[id][0].dtype || v.shape() != types[id][0].shape)
          throw ShapeError("variable '" + n.name + "' holds " + std::string(DTypeName(v.dtype())) +
                           v.shape().ToString() + ", the graph expects " + types[id][0].ToString());
        outs = {v};
        break;
      }
      case Binding::kConst:
        outs = {n.attrs.Get<Tensor>("value")};
        break;
      case Binding::kAliasInput0:
      case Binding::kCompute:
        for (const TensorType& t : types[id])
          if (!t.shape.IsFullyDefined())
            throw ShapeError("node '" + n.name + "' (" + n.op + "): output shape " +
                             t.shape.ToString() + " is not known after feeding");
        outs.resize(types[id].size());
        break;
    }
    Step step{id, k, {}, k->binding == Binding::kAliasInput0 ? types[id][0].shape : Shape{}};
    for (const ValueRef& in : n.inputs) step.inputs.push_back(&plan.values[in.node][in.index]);
    plan.steps.push_back(std::move(step));
  }
  PlanMemory(plan, types);
  return plan;
}

void Executor::PlanMemory(Plan& plan, const std::vector<std::vector<TensorType>>& types) {
  // Each planned value has a root: itself, or for a view (Reshape) the root of what it views.
  // A root's buffer is free once the last step reading any value on it has run; fetched values
  // are never freed. Buffers go back to a pool keyed by size and are reused by later outputs.
  const int n_steps = static_cast<int>(plan.steps.size());
  const int kForever = n_steps;
  std::map<ValueRef, ValueRef> root;
  std::map<ValueRef, int> last_use;
  std::map<ValueRef, bool> pooled;  // roots whose buffer comes from the pool
  auto root_of = [&](ValueRef v) { return root.count(v) ? root[v] : v; };
  for (int s = 0; s < n_steps; ++s) {
    const Node& n = graph_.node(plan.steps[s].node);
    const Binding b = plan.steps[s].kernel->binding;
    for (int i = 0; i < static_cast<int>(types[n.id].size()); ++i) {
      const ValueRef v{n.id, i};
      root[v] = b == Binding::kAliasInput0 ? root_of(n.inputs[0]) : v;
      if (b == Binding::kCompute) pooled[v] = true;
    }
    for (const ValueRef& in : n.inputs) last_use[root_of(in)] = std::max(last_use[root_of(in)], s);
  }
  for (const ValueRef& f : fetches_) last_use[root_of(f)] = kForever;
  Allocator& allocator = options_.allocator ? *options_.allocator : DefaultAllocator();
  std::multimap<size_t, Tensor> pool;  // free buffers by capacity in bytes
  std::map<ValueRef, Tensor> buffer;   // the buffer of each live pooled root
  plan.planned_bytes = plan.unshared_bytes = 0;
  for (int s = 0; s < n_steps; ++s) {
    Step& step = plan.steps[s];
    const Node& n = graph_.node(step.node);
    if (step.kernel->binding != Binding::kCompute) continue;
    const bool elementwise = OpRegistry::Global().Get(n.op).has(kElementwise);
    for (int i = 0; i < static_cast<int>(types[n.id].size()); ++i) {
      const TensorType& t = types[n.id][i];
      const size_t bytes = static_cast<size_t>(t.shape.NumElements()) * DTypeSize(t.dtype);
      plan.unshared_bytes += bytes;
      Tensor buf;
      // In place: an elementwise op may write over a same-sized input that dies here.
      for (const ValueRef& in : n.inputs) {
        const ValueRef r = root_of(in);
        if (!elementwise || !pooled.count(r) || last_use[r] != s || !buffer.count(r) ||
            buffer[r].nbytes() < bytes ||
            DTypeSize(types[in.node][in.index].dtype) != DTypeSize(t.dtype))
          continue;
        buf = buffer[r];
        buffer.erase(r);
        last_use[r] = -1;  // handed over to the output; not freed again
        break;
      }
      if (!buf.valid()) {
        auto it = pool.lower_bound(bytes);  // the smallest free buffer that fits
        if (it != pool.end()) {
          buf = it->second;
          pool.erase(it);
        } else {
          buf = Tensor(kUInt8, Shape{static_cast<int64_t>(bytes)}, &allocator);
          plan.planned_bytes += bytes;
        }
      }
      buffer[{n.id, i}] = buf;
      plan.values[n.id][i] = buf.View(t.dtype, t.shape);
    }
    // Inputs whose last reader was this step give their buffers back.
    for (const ValueRef& in : n.inputs) {
      const ValueRef r = root_of(in);
      if (last_use[r] == s && buffer.count(r)) {
        pool.emplace(buffer[r].nbytes(), buffer[r]);
        buffer.erase(r);
      }
    }
    // Outputs nobody reads (and nobody fetches) are free right away.
    for (int i = 0; i < static_cast<int>(types[n.id].size()); ++i) {
      const ValueRef v{n.id, i};
      if (!last_use.count(v) && buffer.count(v)) {
        pool.emplace(buffer[v].nbytes(), buffer[v]);
        buffer.erase(v);
      }
    }
  }
  plan.results.resize(fetches_.size());
}

const std::vector<Tensor>& Executor::RunInPlace(const std::vector<Feed>& feeds) {
  Plan& plan = PlanFor(feeds);
  last_plan_ = &plan;
  for (Step& s : plan.steps) {
    const Node& n = graph_.node(s.node);
    auto& outs = plan.values[s.node];
    switch (s.kernel->binding) {
      case Binding::kFeed:
        outs[0] = *FindFeed(feeds, s.node);
        break;
      case Binding::kVariable: {
        // Rebound every run, so that a store entry replaced since planning is seen.
        const Tensor& v = variables_->Get(n.name);
        if (v.shape() != outs[0].shape() || v.dtype() != outs[0].dtype())
          throw ShapeError("variable '" + n.name + "' now holds " +
                           std::string(DTypeName(v.dtype())) + v.shape().ToString() +
                           ", planned as " + std::string(DTypeName(outs[0].dtype())) +
                           outs[0].shape().ToString());
        outs[0] = v;
        break;
      }
      case Binding::kConst:
        break;
      case Binding::kAliasInput0:
        outs[0] = s.inputs[0]->Reshaped(s.alias_shape);
        break;
      case Binding::kCompute: {
        KernelContext ctx{n, s.inputs, outs};
        s.kernel->fn(ctx);
        break;
      }
    }
  }
  for (size_t i = 0; i < fetches_.size(); ++i)
    plan.results[i] = plan.values[fetches_[i].node][fetches_[i].index];
  return plan.results;
}

std::vector<Tensor> Executor::Run(const std::vector<Feed>& feeds) {
  std::vector<Tensor> results;
  for (const Tensor& t : RunInPlace(feeds)) results.push_back(t.Clone());
  return results;
}

}  // namespace kiln
