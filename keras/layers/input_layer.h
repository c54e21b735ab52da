// InputLayer: declares the model's input shape (batch dimension excluded, as in Keras).
//
//   Sequential model({layers::InputLayer({.input_shape = {784}}), layers::Dense(10)});
//   Sequential model({Input({.shape = {28, 28}}), layers::Flatten(), layers::Dense(10)});
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

struct InputLayerOptions {
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class InputLayer : public Layer {
 public:
  explicit InputLayer(InputLayerOptions options);
  std::string class_name() const override { return "InputLayer"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder&, ValueRef x, const CallContext&) override { return x; }
  nlohmann::json get_config() const override;
};

}  // namespace kiln::keras::layers

namespace kiln::keras {

struct InputOptions {
  std::vector<int64_t> shape = {};
  std::string name = "";
};

// Keras's Input(shape=...): in a Sequential model, the InputLayer that declares the input shape.
// (Kiln has no functional API yet; Input serves Sequential models.)
inline layers::InputLayer Input(InputOptions options) {
  return layers::InputLayer(
      {.input_shape = std::move(options.shape), .name = std::move(options.name)});
}

}  // namespace kiln::keras
