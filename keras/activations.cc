#include "keras/activations.h"

#include "ops/activations.h"

namespace kiln::keras::activations {

void Validate(const std::string& name, const std::string& where) {
  ops::GetActivation(name, where);
}

ValueRef Apply(GraphBuilder& b, const std::string& name, ValueRef x) {
  return ops::ApplyActivation(b, ops::GetActivation(name, "activation"), x);
}

}  // namespace kiln::keras::activations
