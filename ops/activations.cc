#include "ops/activations.h"

#include "graph/error.h"

namespace kiln::ops {
namespace {

constexpr ActivationDef kTable[] = {
    {"linear", Activation::kLinear, "", "", true},
    {"relu", Activation::kRelu, "Relu", "ReluGrad", true},
    {"sigmoid", Activation::kSigmoid, "Sigmoid", "SigmoidGrad", true},
    {"tanh", Activation::kTanh, "Tanh", "TanhGrad", true},
    // Softmax reads a whole row, so it does not fuse into a per-element epilogue.
    {"softmax", Activation::kSoftmax, "Softmax", "", false},
};

template <typename Key>
const ActivationDef* FindBy(std::string_view value, Key key) {
  for (const ActivationDef& a : kTable)
    if (!value.empty() && a.*key == value) return &a;
  return nullptr;
}

}  // namespace

std::span<const ActivationDef> Activations() { return kTable; }

const ActivationDef* FindActivation(std::string_view name) {
  return FindBy(name, &ActivationDef::name);
}
const ActivationDef* FindActivationByOp(std::string_view op) {
  return FindBy(op, &ActivationDef::op);
}
const ActivationDef* FindActivationByGradOp(std::string_view grad_op) {
  return FindBy(grad_op, &ActivationDef::grad_op);
}

const ActivationDef& GetActivation(std::string_view name, const std::string& where) {
  if (const ActivationDef* a = FindActivation(name)) return *a;
  std::string known;
  for (const ActivationDef& a : kTable) known += (known.empty() ? "" : ", ") + std::string(a.name);
  throw NotFoundError(where + ": unknown activation function '" + std::string(name) +
                      "' (known: " + known + ")");
}

ValueRef ActivationGradient(GraphBuilder& b, const ActivationDef& a, ValueRef y, ValueRef dy) {
  if (a.grad_op.empty()) return dy;
  return b.Op(std::string(a.grad_op), {y, dy});
}

}  // namespace kiln::ops
