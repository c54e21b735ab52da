// The one table of activation functions: Keras's name, the forward op, the gradient op, and
// whether the fusion passes may fold it into FusedMatMul / FusedActivationBiasGrad. Everything
// that needs to know about activations reads this table: keras/activations, both fusion passes,
// the fused ops' shape and gradient functions, and (through Activation, an enum, never a string
// per element) the fused CPU kernels.
//
//   const ActivationDef* relu = FindActivation("relu");      // nullptr for an unknown name
//   relu->op == "Relu";  relu->grad_op == "ReluGrad";  relu->fuses == true;
//   const ActivationDef* a = FindActivationByOp("Tanh");    // the inverse, by forward op
//
// Contract: every gradient op takes (y, dy) (the forward output, then the incoming gradient) and
// returns dx; "linear" has no ops. Adding an activation means a row here, its two ops in ops/ and
// their kernels (plus a case in the fused kernels' switch when it fuses), or, for one that does
// not fuse, a row whose `compose` builds it from other ops (elu, gelu, swish, ...: autodiff
// differentiates those ops, so it needs no gradient op).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "graph/graph_builder.h"

namespace kiln::ops {

enum class Activation { kLinear, kRelu, kSigmoid, kTanh, kSoftmax, kComposed };

struct ActivationDef {
  std::string_view name;  // Keras's: "relu"
  Activation kind;
  std::string_view op;       // forward op, "" for linear
  std::string_view grad_op;  // XGrad(y, dy) -> dx, "" for linear and softmax
  bool fuses;                // may be folded into the fused MatMul/bias-gradient kernels
  // For kComposed: the activation as ops on x (Keras 3's formula).
  ValueRef (*compose)(GraphBuilder& b, ValueRef x) = nullptr;
};
// The activation `a` applied to x: its op, its composition, or x itself (linear).
ValueRef ApplyActivation(GraphBuilder& b, const ActivationDef& a, ValueRef x);
// max(x, 0) + alpha * min(exp(x) - 1, 0), Keras's elu (and its ELU layer's alpha).
ValueRef Elu(GraphBuilder& b, ValueRef x, double alpha);

std::span<const ActivationDef> Activations();
const ActivationDef* FindActivation(std::string_view name);
const ActivationDef* FindActivationByOp(std::string_view op);
const ActivationDef* FindActivationByGradOp(std::string_view grad_op);
// Throws kiln::NotFoundError naming `where` and the known names for an unknown name.
const ActivationDef& GetActivation(std::string_view name, const std::string& where);
// dx for y = activation(z): the gradient op applied to (y, dy); dy itself for linear.
ValueRef ActivationGradient(GraphBuilder& b, const ActivationDef& a, ValueRef y, ValueRef dy);

}  // namespace kiln::ops
