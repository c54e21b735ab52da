#include "graph/graph_builder.h"

namespace kiln {

std::string GraphBuilder::UniqueName(const std::string& base) {
  std::string name = scope_.empty() ? base : scope_ + "/" + base;
  if (!graph_.IsNameTaken(name)) return name;
  for (int i = 1;; ++i) {
    std::string candidate = name + "_" + std::to_string(i);
    if (!graph_.IsNameTaken(candidate)) return candidate;
  }
}

GraphBuilder::ScopeGuard GraphBuilder::Scope(const std::string& name) {
  std::string prev = scope_;
  scope_ = scope_.empty() ? name : scope_ + "/" + name;
  return ScopeGuard(*this, prev);
}

std::vector<ValueRef> GraphBuilder::OpN(const std::string& op, std::vector<ValueRef> inputs,
                                        AttrMap attrs, const std::string& name) {
  const OpDef& def = OpRegistry::Global().Get(op);
  Node node;
  node.op = op;
  node.name = UniqueName(name.empty() ? op : name);
  std::vector<TensorType> in_types;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!graph_.HasNode(inputs[i].node))
      throw ValueError("op " + op + " (node '" + node.name + "'): input " + std::to_string(i) +
                       " refers to a node that is not in the graph");
    in_types.push_back(graph_.type(inputs[i]));
  }
  node.outputs = InferOutputTypes(def, node.name, in_types, attrs);
  node.inputs = std::move(inputs);
  node.attrs = std::move(attrs);
  int id = graph_.AddNode(std::move(node));
  std::vector<ValueRef> outs;
  for (int i = 0; i < static_cast<int>(graph_.node(id).outputs.size()); ++i)
    outs.push_back({id, i});
  return outs;
}

ValueRef GraphBuilder::Op(const std::string& op, std::vector<ValueRef> inputs, AttrMap attrs,
                          const std::string& name) {
  auto outs = OpN(op, std::move(inputs), std::move(attrs), name);
  return outs.empty() ? ValueRef{} : outs[0];
}

ValueRef GraphBuilder::Placeholder(const std::string& name, DType dtype, Shape shape) {
  return Op("Placeholder", {}, {{"dtype", dtype}, {"shape", shape.dims()}}, name);
}

ValueRef GraphBuilder::Variable(const std::string& name, DType dtype, Shape shape) {
  return Op("Variable", {}, {{"dtype", dtype}, {"shape", shape.dims()}}, name);
}

ValueRef GraphBuilder::Const(Tensor value, const std::string& name) {
  return Op("Const", {}, {{"value", std::move(value)}}, name);
}

ValueRef GraphBuilder::Scalar(double value, DType dtype, const std::string& name) {
  Tensor t(dtype, Shape{});
  DispatchDType(dtype,
                [&](auto tag) { *t.data<decltype(tag)>() = static_cast<decltype(tag)>(value); });
  return Const(std::move(t), name);
}

}  // namespace kiln
