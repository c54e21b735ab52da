// Average: the elementwise mean of its inputs, as keras.layers.Average.
//
//   layers::Average merge({.name = "average_1"});                         // (x + y) / 2
//   ValueRef out = merge.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

class Average : public Merge {
  KILN_LAYER_CLASS(Average)

 public:
  explicit Average(MergeOptions options = {}) { InitBase(options.name, {}, 0); }
  std::string class_name() const override { return "Average"; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;
};

}  // namespace kiln::keras::layers
