#include "graph/op_def.h"

#include <sstream>

namespace kiln {
namespace {

std::string DescribeInputs(std::span<const TensorType> inputs) {
  std::string s;
  for (size_t i = 0; i < inputs.size(); ++i) s += (i ? ", " : "") + inputs[i].ToString();
  return s;
}

std::string Where(const OpDef& def, const std::string& node_name) {
  return "op " + def.name + " (node '" + node_name + "')";
}

}  // namespace

void InferenceContext::Fail(const std::string& message) const {
  throw ShapeError(Where(op, node_name) + ": " + message + "; inputs: " + DescribeInputs(inputs));
}

OpRegistry& OpRegistry::Global() {
  static OpRegistry registry;
  return registry;
}

void OpRegistry::Register(OpDef def) {
  if (def.name.empty()) throw Error("OpRegistry: op without a name");
  if (ops_.count(def.name)) throw Error("OpRegistry: op '" + def.name + "' registered twice");
  if (!def.shape_fn) throw Error("OpRegistry: op '" + def.name + "' has no shape function");
  if (!def.grad_fn && def.not_differentiable.empty())
    throw Error("OpRegistry: op '" + def.name +
                "' needs a gradient function or a reason it is not differentiable");
  for (size_t i = 0; i + 1 < def.inputs.size(); ++i)
    if (def.inputs[i].variadic)
      throw Error("OpRegistry: op '" + def.name + "': only the last input can be variadic");
  std::string name = def.name;
  ops_.emplace(std::move(name), std::move(def));
}

const OpDef* OpRegistry::Find(const std::string& name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : &it->second;
}

const OpDef& OpRegistry::Get(const std::string& name) const {
  if (const OpDef* d = Find(name)) return *d;
  throw NotFoundError("unknown op '" + name + "'");
}

std::vector<const OpDef*> OpRegistry::All() const {
  std::vector<const OpDef*> out;
  for (const auto& [name, def] : ops_) out.push_back(&def);
  return out;
}

bool OpDef::writes_inputs() const {
  for (const ArgDef& a : inputs)
    if (a.written) return true;
  return false;
}

const ArgDef& OpDef::input_arg(size_t i) const {
  return i < inputs.size() ? inputs[i] : inputs.back();
}

std::vector<TensorType> InferOutputTypes(const OpDef& def, const std::string& node_name,
                                         std::span<const TensorType> inputs, AttrMap& attrs) {
  const bool variadic = !def.inputs.empty() && def.inputs.back().variadic;
  if (variadic ? inputs.size() < def.inputs.size() : inputs.size() != def.inputs.size())
    throw ShapeError(Where(def, node_name) + ": expected " + (variadic ? "at least " : "") +
                     std::to_string(def.inputs.size()) + " inputs, got " +
                     std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& allowed = def.input_arg(i).dtypes;
    if (!allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), inputs[i].dtype) == allowed.end()) {
      std::string names;
      for (DType t : allowed) names += (names.empty() ? "" : ", ") + std::string(DTypeName(t));
      throw TypeError(Where(def, node_name) + ": input '" + def.input_arg(i).name + "' has dtype " +
                      std::string(DTypeName(inputs[i].dtype)) + ", expected one of " + names);
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& var = def.input_arg(i).type_var;
    if (var.empty()) continue;
    for (size_t j = 0; j < i; ++j)
      if (def.input_arg(j).type_var == var && inputs[j].dtype != inputs[i].dtype)
        throw TypeError(Where(def, node_name) + ": inputs '" + def.input_arg(j).name + "' and '" +
                        def.input_arg(i).name + "' must share a dtype, got " +
                        std::string(DTypeName(inputs[j].dtype)) + " and " +
                        std::string(DTypeName(inputs[i].dtype)));
  }
  for (const auto& item : attrs.items()) {
    const std::string& name = item.first;
    const AttrValue& value = item.second;
    auto it = std::find_if(def.attrs.begin(), def.attrs.end(),
                           [&](const AttrDef& a) { return a.name == name; });
    if (it == def.attrs.end())
      throw ValueError(Where(def, node_name) + ": unknown attribute '" + name + "'");
    if (TypeOf(value) != it->type)
      throw TypeError(Where(def, node_name) + ": attribute '" + name + "' must be " +
                      std::string(AttrTypeName(it->type)) + ", got " +
                      std::string(AttrTypeName(TypeOf(value))));
  }
  for (const AttrDef& a : def.attrs) {
    if (attrs.Has(a.name)) continue;
    if (!a.default_value)
      throw ValueError(Where(def, node_name) + ": missing required attribute '" + a.name + "'");
    attrs.Set(a.name, *a.default_value);
  }
  InferenceContext ctx{def, node_name, inputs, attrs};
  std::vector<TensorType> out = def.shape_fn(ctx);
  if (out.size() != def.outputs.size())
    throw Error(Where(def, node_name) + ": shape function returned " + std::to_string(out.size()) +
                " outputs, expected " + std::to_string(def.outputs.size()));
  return out;
}

}  // namespace kiln
