// Subtract: the first input minus the second (exactly two inputs), as keras.layers.Subtract.
//
//   layers::Subtract merge({.name = "subtract_1"});                         // x - y
//   ValueRef out = merge.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

class Subtract : public Merge {
  KILN_LAYER_CLASS(Subtract)

 public:
  explicit Subtract(MergeOptions options = {}) { InitBase(options.name, {}, 0); }
  std::string class_name() const override { return "Subtract"; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;
  void CheckInputCount(std::span<const Shape> input_shapes) const override;
};

}  // namespace kiln::keras::layers
