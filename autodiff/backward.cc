#include "autodiff/backward.h"

#include <map>

#include "graph/topo_sort.h"

namespace kiln {

std::vector<ValueRef> BuildBackward(GraphBuilder& b, ValueRef loss,
                                    std::span<const ValueRef> params) {
  Graph& g = b.graph();
  const TensorType loss_type = g.type(loss);
  if (!IsFloating(loss_type.dtype))
    throw TypeError("BuildBackward: loss '" + g.node(loss.node).name + "' has dtype " +
                    std::string(DTypeName(loss_type.dtype)) + ", expected a float");
  const int loss_node = loss.node;
  std::vector<int> order = TopologicalOrder(g, std::span<const int>(&loss_node, 1));

  // Nodes downstream of a param (on the way to the loss).
  std::vector<char> from_param(g.capacity(), 0);
  for (const ValueRef& p : params) from_param[p.node] = 1;
  for (int id : order)
    for (const ValueRef& in : g.node(id).inputs)
      if (from_param[in.node]) from_param[id] = 1;

  std::map<ValueRef, std::vector<ValueRef>> pending;  // gradient contributions per value
  pending[loss].push_back(loss_type.shape.rank() == 0
                              ? b.Scalar(1.0, loss_type.dtype, "gradients/seed")
                              : b.Op("OnesLike", {loss}, {}, "gradients/seed"));
  auto total = [&](ValueRef v) -> ValueRef {
    auto it = pending.find(v);
    if (it == pending.end()) return {};
    auto& parts = it->second;
    while (parts.size() > 1) {  // pairwise, so the sum is a balanced tree
      std::vector<ValueRef> next;
      for (size_t i = 0; i + 1 < parts.size(); i += 2)
        next.push_back(b.Op("Add", {parts[i], parts[i + 1]}));
      if (parts.size() % 2) next.push_back(parts.back());
      parts = std::move(next);
    }
    return parts[0];
  };

  auto scope = b.Scope("gradients");
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int id = *it;
    if (!from_param[id]) continue;
    const Node node = g.node(id);  // a copy: adding nodes may reallocate
    const OpDef& def = OpRegistry::Global().Get(node.op);
    std::vector<ValueRef> out_grads;
    bool any = false;
    for (int i = 0; i < static_cast<int>(node.outputs.size()); ++i) {
      out_grads.push_back(total({id, i}));
      any |= out_grads.back().valid();
    }
    if (!any || node.inputs.empty()) continue;
    bool needs_input_grad = false;
    for (const ValueRef& in : node.inputs) needs_input_grad |= from_param[in.node] != 0;
    if (!needs_input_grad) continue;
    if (!def.differentiable())
      throw Error("BuildBackward: no gradient through node '" + node.name + "' (" + node.op +
                  "): " + def.not_differentiable);
    GradContext ctx{b, node, out_grads};
    Grads grads = def.grad_fn(ctx);
    if (grads.size() != node.inputs.size())
      throw Error("BuildBackward: gradient of " + node.op + " returned " +
                  std::to_string(grads.size()) + " values for " +
                  std::to_string(node.inputs.size()) + " inputs");
    for (size_t i = 0; i < grads.size(); ++i)
      if (grads[i].valid() && from_param[node.inputs[i].node])
        pending[node.inputs[i]].push_back(grads[i]);
  }

  std::vector<ValueRef> result;
  for (const ValueRef& p : params) {
    ValueRef grad = total(p);
    if (!grad.valid()) {
      const TensorType& t = g.type(p);
      grad = b.Const(Tensor(t.dtype, t.shape), "zero_grad");
    }
    result.push_back(grad);
  }
  return result;
}

}  // namespace kiln
