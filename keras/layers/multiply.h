// Multiply: the elementwise product of its inputs, as keras.layers.Multiply.
//
//   layers::Multiply merge({.name = "multiply_1"});                         // x * gate
//   ValueRef out = merge.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

class Multiply : public Merge {
  KILN_LAYER_CLASS(Multiply)

 public:
  explicit Multiply(MergeOptions options = {}) { InitBase(options.name, {}, 0); }
  std::string class_name() const override { return "Multiply"; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;
};

}  // namespace kiln::keras::layers
