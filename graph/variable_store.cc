#include "graph/variable_store.h"

namespace kiln {

Tensor& VariableStore::Get(const std::string& name) {
  auto it = values_.find(name);
  if (it == values_.end()) throw NotFoundError("variable '" + name + "' has no value");
  return it->second;
}

const Tensor& VariableStore::Get(const std::string& name) const {
  return const_cast<VariableStore*>(this)->Get(name);
}

}  // namespace kiln
