// Activations by Keras name (the table is ops/activations.h): linear, relu, sigmoid, tanh,
// softmax.
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
