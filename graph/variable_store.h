// The values of a graph's Variable nodes, by variable name. Executors read and update them in
// place; several executors (training, evaluation, prediction) share one store.
//
//   kiln::VariableStore vars;
//   vars.Set("dense/kernel", initial_kernel);
//   const kiln::Tensor& w = vars.Get("dense/kernel");
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace kiln {

class VariableStore {
 public:
  void Set(const std::string& name, Tensor value) { values_[name] = std::move(value); }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // Throws kiln::NotFoundError naming the variable.
  Tensor& Get(const std::string& name);
  const Tensor& Get(const std::string& name) const;
  const std::map<std::string, Tensor>& items() const { return values_; }

 private:
  std::map<std::string, Tensor> values_;
};

}  // namespace kiln
