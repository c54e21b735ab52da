// Add: the elementwise sum of its inputs, as keras.layers.Add.
//
//   layers::Add merge({.name = "add_1"});                         // x + shortcut: a residual
//   connection ValueRef out = merge.Call(b, std::vector<ValueRef>{x, y}, ctx)[0];
#pragma once

#include "keras/layers/merge.h"

namespace kiln::keras::layers {

class Add : public Merge {
  KILN_LAYER_CLASS(Add)

 public:
  explicit Add(MergeOptions options = {}) { InitBase(options.name, {}, 0); }
  std::string class_name() const override { return "Add"; }

 protected:
  ValueRef MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const override;
};

}  // namespace kiln::keras::layers
