#include "ops/activations.h"

#include <cmath>

#include "graph/error.h"

namespace kiln::ops {

// max(x, 0) + alpha * min(exp(x) - 1, 0): x above zero, alpha * (e^x - 1) below, as Keras's elu.
ValueRef Elu(GraphBuilder& b, ValueRef x, double alpha) {
  const DType t = b.type(x).dtype;
  ValueRef below =
      b.Op("Minimum", {b.Op("Sub", {b.Op("Exp", {x}), b.Scalar(1, t)}), b.Scalar(0, t)});
  return b.Op("Add", {b.Op("Relu", {x}), b.Op("Mul", {b.Scalar(alpha, t), below})});
}
namespace {

DType TypeOf(GraphBuilder& b, ValueRef x) { return b.type(x).dtype; }
ValueRef Const(GraphBuilder& b, ValueRef like, double v) { return b.Scalar(v, TypeOf(b, like)); }
ValueRef Mul(GraphBuilder& b, ValueRef x, ValueRef y) { return b.Op("Mul", {x, y}); }

// log(1 + e^x) as max(x, 0) + log(1 + e^-|x|), which does not overflow.
ValueRef Softplus(GraphBuilder& b, ValueRef x) {
  ValueRef tail = b.Op("Exp", {b.Op("Neg", {b.Op("Abs", {x})})});
  return b.Op("Add", {b.Op("Relu", {x}), b.Op("Log", {b.Op("Add", {Const(b, x, 1), tail})})});
}
// min(max(x, 0), 6)
ValueRef Relu6(GraphBuilder& b, ValueRef x) {
  return b.Op("Minimum", {b.Op("Relu", {x}), Const(b, x, 6)});
}

ValueRef Swish(GraphBuilder& b, ValueRef x) { return Mul(b, x, b.Op("Sigmoid", {x})); }
// x * relu6(x + 3) / 6
// Keras 3's hard_sigmoid: relu6(x + 3) / 6 (tf.keras 2.x's is clip(0.2 x + 0.5, 0, 1)).
ValueRef HardSigmoid(GraphBuilder& b, ValueRef x) {
  return Mul(b, Relu6(b, b.Op("Add", {x, Const(b, x, 3)})), Const(b, x, 1.0 / 6));
}
ValueRef HardSwish(GraphBuilder& b, ValueRef x) { return Mul(b, x, HardSigmoid(b, x)); }

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

constexpr ActivationDef kTable[] = {
    {"linear", Activation::kLinear, "", "", true},
    {"relu", Activation::kRelu, "Relu", "ReluGrad", true},
    {"sigmoid", Activation::kSigmoid, "Sigmoid", "SigmoidGrad", true},
    {"tanh", Activation::kTanh, "Tanh", "TanhGrad", true},
    // Softmax reads a whole row, so it does not fuse into a per-element epilogue.
    {"softmax", Activation::kSoftmax, "Softmax", "", false},
    {"elu", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) { return Elu(b, x, 1.0); }},
    {"selu", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) {
       return Mul(b, Const(b, x, kSeluScale), Elu(b, x, kSeluAlpha));
     }},
    // The exact GELU, Keras's default: x * (1 + erf(x / sqrt(2))) / 2.
    {"gelu", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) {
       ValueRef erf = b.Op("Erf", {Mul(b, x, Const(b, x, 1 / std::sqrt(2.0)))});
       return Mul(b, Mul(b, x, Const(b, x, 0.5)), b.Op("Add", {Const(b, x, 1), erf}));
     }},
    {"swish", Activation::kComposed, "", "", false, Swish},
    {"silu", Activation::kComposed, "", "", false, Swish},
    {"softplus", Activation::kComposed, "", "", false, Softplus},
    {"softsign", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) {
       return b.Op("Div", {x, b.Op("Add", {Const(b, x, 1), b.Op("Abs", {x})})});
     }},
    {"exponential", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) { return b.Op("Exp", {x}); }},
    {"relu6", Activation::kComposed, "", "", false, Relu6},
    // Keras's leaky_relu activation: negative_slope 0.2.
    {"leaky_relu", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) {
       return b.Op("Maximum", {x, Mul(b, x, Const(b, x, 0.2))});
     }},
    {"mish", Activation::kComposed, "", "", false,
     [](GraphBuilder& b, ValueRef x) { return Mul(b, x, b.Op("Tanh", {Softplus(b, x)})); }},
    // Keras 3 only: tf.keras 2.x has no hard_swish.
    {"hard_swish", Activation::kComposed, "", "", false, HardSwish},
    {"hard_silu", Activation::kComposed, "", "", false, HardSwish},
    // Keras 3's; the loader refuses it in files Keras 2.x wrote, whose hard_sigmoid differs.
    {"hard_sigmoid", Activation::kComposed, "", "", false, HardSigmoid},
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

ValueRef ApplyActivation(GraphBuilder& b, const ActivationDef& a, ValueRef x) {
  if (a.compose) return a.compose(b, x);
  return a.op.empty() ? x : b.Op(std::string(a.op), {x});
}

ValueRef ActivationGradient(GraphBuilder& b, const ActivationDef& a, ValueRef y, ValueRef dy) {
  if (a.grad_op.empty()) return dy;
  return b.Op(std::string(a.grad_op), {y, dy});
}

}  // namespace kiln::ops
