#include "keras/activations.h"

#include <map>

namespace kiln::keras::activations {
namespace {

const std::map<std::string, std::string>& Ops() {
  static const std::map<std::string, std::string> ops = {{"linear", ""},
                                                         {"relu", "Relu"},
                                                         {"sigmoid", "Sigmoid"},
                                                         {"tanh", "Tanh"},
                                                         {"softmax", "Softmax"}};
  return ops;
}

}  // namespace

void Validate(const std::string& name, const std::string& where) {
  if (Ops().count(name)) return;
  std::string known;
  for (const auto& [k, v] : Ops()) known += (known.empty() ? "" : ", ") + k;
  throw NotFoundError(where + ": unknown activation function '" + name + "' (known: " + known +
                      ")");
}

ValueRef Apply(GraphBuilder& b, const std::string& name, ValueRef x) {
  Validate(name, "activation");
  const std::string& op = Ops().at(name);
  return op.empty() ? x : b.Op(op, {x});
}

}  // namespace kiln::keras::activations
