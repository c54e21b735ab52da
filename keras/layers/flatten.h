// Flatten: (batch, d1, d2, ...) -> (batch, d1*d2*...), a view of the same memory.
//
//   model.add(layers::Flatten({.input_shape = {28, 28}}));
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct FlattenOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Flatten : public Layer {
  KILN_LAYER_CLASS(Flatten)

 public:
  explicit Flatten(FlattenOptions options = {});
  std::string class_name() const override { return "Flatten"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  bool KeepsIntegerInputs() const override { return true; }
};

}  // namespace kiln::keras::layers
