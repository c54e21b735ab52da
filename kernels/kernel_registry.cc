#include "kernels/kernel_registry.h"

#include "graph/error.h"
#include "graph/op_def.h"

namespace kiln {

KernelRegistry& KernelRegistry::Global() {
  static KernelRegistry registry;
  return registry;
}

void KernelRegistry::Register(KernelDef def) {
  auto key = std::make_tuple(def.op, def.device, def.dtype);
  if (kernels_.count(key))
    throw Error("kernel for " + def.op + " on " + def.device + " (" +
                std::string(DTypeName(def.dtype)) + ") registered twice");
  kernels_.emplace(key, std::move(def));
}

const KernelDef* KernelRegistry::Find(const std::string& op, const std::string& device,
                                      DType dtype) const {
  auto it = kernels_.find(std::make_tuple(op, device, dtype));
  return it == kernels_.end() ? nullptr : &it->second;
}

std::vector<const KernelDef*> KernelRegistry::All() const {
  std::vector<const KernelDef*> out;
  for (const auto& [key, def] : kernels_) out.push_back(&def);
  return out;
}

Tensor KernelContext::written_input(int i) const {
  if (!OpRegistry::Global().Get(node.op).writes_input(static_cast<size_t>(i)))
    throw Error(node.op + " kernel (node '" + node.name + "') writes input " + std::to_string(i) +
                ", which the op does not declare written");
  return *inputs[i];
}

KernelFn InstantiateKernel(const KernelDef& def, const Node& node) {
  return def.create ? def.create(node) : def.fn;
}

DType KernelKeyDType(const Node& node, std::span<const TensorType> input_types) {
  if (!input_types.empty()) return input_types[0].dtype;
  if (!node.outputs.empty()) return node.outputs[0].dtype;
  return kFloat32;
}

}  // namespace kiln
