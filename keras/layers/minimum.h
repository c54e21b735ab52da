// Minimum: the elementwise minimum of its inputs, as keras.layers.Minimum.
// On ties the gradient goes to the earlier input (the Minimum op's rule, as TensorFlow's).
//
//   layers::Minimum merge({.name = "minimum_1"});                         // min(x, y)
//   ValueRef out = merge.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

class Minimum : public Merge {
  KILN_LAYER_CLASS(Minimum)

 public:
  explicit Minimum(MergeOptions options = {}) { InitBase(options.name, {}, 0); }
  std::string class_name() const override { return "Minimum"; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;
};

}  // namespace kiln::keras::layers
