// Activations by Keras name (the table is ops/activations.h): linear, relu, sigmoid, tanh,
// softmax, and composed from other ops: elu, selu, gelu (exact), swish/silu, softplus, softsign,
// exponential, relu6, leaky_relu (0.2), mish, hard_swish/hard_silu, and hard_sigmoid as Keras 3
// computes it, relu6(x + 3) / 6; tf.keras 2.x computes clip(0.2 x + 0.5, 0, 1) under that name,
// so a model file Keras 2.x wrote with it is refused (keras/saving/keras_h5.cc).
//
//   ValueRef y = kiln::keras::activations::Apply(b, "relu", x, "dense");
#pragma once

#include <string>

#include "graph/graph_builder.h"

namespace kiln::keras::activations {

// Throws kiln::NotFoundError naming `where` and the known activations for an unknown name.
void Validate(const std::string& name, const std::string& where);
ValueRef Apply(GraphBuilder& b, const std::string& name, ValueRef x);

}  // namespace kiln::keras::activations
