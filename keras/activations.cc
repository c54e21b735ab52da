#include "keras/activations.h"

#include "ops/activations.h"

namespace kiln::keras::activations {

void Validate(const std::string& name, const std::string& where) {
  ops::GetActivation(name, where);
}

ValueRef Apply(GraphBuilder& b, const std::string& name, ValueRef x) {
  const ops::ActivationDef& a = ops::GetActivation(name, "activation");
  return a.op.empty() ? x : b.Op(std::string(a.op), {x});
}

}  // namespace kiln::keras::activations
