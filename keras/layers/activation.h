// Activation: applies an activation function by name.
//
//   model.add(layers::Activation("sigmoid"));
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ActivationOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Activation : public Layer {
  KILN_LAYER_CLASS(Activation)

 public:
  explicit Activation(std::string activation, ActivationOptions options = {});
  std::string class_name() const override { return "Activation"; }
  bool supports_masking() const override { return true; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;
  const std::string& activation() const { return activation_; }

 private:
  std::string activation_;
};

}  // namespace kiln::keras::layers
