#include "kernels/executor.h"

#include <set>

#include "graph/op_def.h"
#include "graph/topo_sort.h"
#include "graph/verifier.h"
#include "kernels/memory_plan.h"

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
  placement_ = PlaceNodes(graph_, order_, fetches_);
  std::set<std::string> used;
  for (const auto& [id, device] : placement_.device) used.insert(device);
  for (const std::string& d : used)
    if (!GetDevice(d).is_host()) devices_.push_back(&GetDevice(d));
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
  std::vector<PlannedStep> planned;
  for (int id : order_) {
    const Node& n = graph_.node(id);
    std::vector<TensorType> in_types;
    for (const ValueRef& in : n.inputs) in_types.push_back(types[in.node][in.index]);
    const KernelDef* k = placement_.kernel.at(id);
    Device& device = GetDevice(placement_.device.at(id));
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
    Step step{id,      k,  k->binding == Binding::kCompute ? InstantiateKernel(*k, n) : KernelFn{},
              &device, {}, k->binding == Binding::kAliasInput0 ? types[id][0].shape : Shape{}};
    for (const ValueRef& in : n.inputs) step.inputs.push_back(&plan.values[in.node][in.index]);
    plan.steps.push_back(std::move(step));
    Allocator* allocator =
        device.is_host() && options_.allocator ? options_.allocator : &device.allocator();
    planned.push_back({id, k->binding, allocator});
  }
  const MemoryPlan memory = PlanMemory(graph_, planned, types, fetches_, plan.values);
  plan.planned_bytes = memory.planned_bytes;
  plan.unshared_bytes = memory.unshared_bytes;
  plan.results.resize(fetches_.size());
  return plan;
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
        KernelContext ctx{n, s.inputs, outs, s.device};
        s.fn(ctx);
        break;
      }
    }
  }
  for (Device* d : devices_) d->Synchronize();
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
