// Maximum: the elementwise maximum of its inputs, as keras.layers.Maximum.
// On ties the gradient goes to the earlier input (the Maximum op's rule, as TensorFlow's).
//
//   layers::Maximum merge({.name = "maximum_1"});                         // max(x, y)
//   ValueRef out = merge.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

class Maximum : public Merge {
  KILN_LAYER_CLASS(Maximum)

 public:
  explicit Maximum(MergeOptions options = {}) { InitBase(options.name, {}, 0); }
  std::string class_name() const override { return "Maximum"; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;
};

}  // namespace kiln::keras::layers
