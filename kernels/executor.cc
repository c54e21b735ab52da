#include "kernels/executor.h"

#include <Eigen/Core>
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
      throw ValueError("Executor: graph reads variable '" + n.name + "' but no VariableStore was given");
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
  for (int id : order_) {
    const Node& n = graph_.node(id);
    std::vector<TensorType> in_types;
    Step step{id, nullptr, {}};
    for (const ValueRef& in : n.inputs) {
      const Tensor& t = plan.values[in.node][in.index];
      in_types.push_back({t.dtype(), t.shape()});
    }
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
      throw NotFoundError("no kernel for op " + n.op + " with dtype " + std::string(DTypeName(key)) +
                          " (node '" + n.name + "')");
    placement_[id] = device;
    step.kernel = k;
    AttrMap attrs = n.attrs;
    std::vector<TensorType> out_types =
        InferOutputTypes(OpRegistry::Global().Get(n.op), n.name, in_types, attrs);
    auto& outs = plan.values[id];
    switch (k->binding) {
      case Binding::kFeed:
        outs = {*FindFeed(feeds, id)};
        break;
      case Binding::kVariable: {
        const Tensor& v = variables_->Get(n.name);
        if (v.dtype() != out_types[0].dtype || v.shape() != out_types[0].shape)
          throw ShapeError("variable '" + n.name + "' holds " + std::string(DTypeName(v.dtype())) +
                           v.shape().ToString() + ", the graph expects " + out_types[0].ToString());
        outs = {v};
        break;
      }
      case Binding::kConst:
        outs = {n.attrs.Get<Tensor>("value")};
        break;
      case Binding::kAliasInput0:
      case Binding::kCompute:
        for (const TensorType& t : out_types) {
          if (!t.shape.IsFullyDefined())
            throw ShapeError("node '" + n.name + "' (" + n.op + "): output shape " +
                             t.shape.ToString() + " is not known after feeding");
          outs.emplace_back(t.dtype, t.shape);
        }
        break;
    }
    for (const ValueRef& in : n.inputs) step.inputs.push_back(&plan.values[in.node][in.index]);
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

std::vector<Tensor> Executor::Run(const std::vector<Feed>& feeds) {
  if (options_.num_threads > 0) Eigen::setNbThreads(options_.num_threads);
  Plan& plan = PlanFor(feeds);
  for (Step& s : plan.steps) {
    const Node& n = graph_.node(s.node);
    auto& outs = plan.values[s.node];
    switch (s.kernel->binding) {
      case Binding::kFeed:
        outs[0] = *FindFeed(feeds, s.node);
        break;
      case Binding::kVariable:
        // Rebound every run, so that a store entry replaced since planning is seen.
        outs[0] = variables_->Get(n.name);
        break;
      case Binding::kConst:
        break;
      case Binding::kAliasInput0:
        outs[0] = s.inputs[0]->Reshaped(outs[0].shape());
        break;
      case Binding::kCompute: {
        KernelContext ctx{n, s.inputs, outs};
        s.kernel->fn(ctx);
        break;
      }
    }
  }
  std::vector<Tensor> results;
  for (const ValueRef& f : fetches_) results.push_back(plan.values[f.node][f.index].Clone());
  return results;
}

}  // namespace kiln
