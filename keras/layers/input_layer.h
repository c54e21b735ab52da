// InputLayer: declares the model's input shape (batch dimension excluded, as in Keras) and dtype.
//
//   KerasTensor x = Input({.shape = {28, 28}, .name = "image"});   // the functional API
//   Sequential model({layers::InputLayer({.input_shape = {784}}), layers::Dense(10)});
//   Sequential model({Input({.shape = {28, 28}}), layers::Flatten(), layers::Dense(10)});
//   Sequential ids({Input({.shape = {6}, .dtype = kInt32}), layers::Dense(3)});
//   KerasTensor fixed = Input({.shape = {5, 3}, .batch_size = 2});  // (2, 5, 3), for stateful RNNs
//
// The model's input keeps the declared dtype (predict casts what it is given to it, as Keras
// converts inputs to the Input's dtype); layers that compute in float32 get it cast on entry.
#pragma once

#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct InputLayerOptions {
  std::vector<int64_t> input_shape = {};
  // Keras's batch_size (batch_shape[0]): fixes the batch dimension, as stateful recurrent
  // layers need; 0 leaves it open (None).
  int64_t batch_size = 0;
  DType dtype = kFloat32;  // float32, float64, int32, int64 or uint8
  std::string name = "";
};

class InputLayer : public Layer {
  KILN_LAYER_CLASS(InputLayer)

 public:
  explicit InputLayer(InputLayerOptions options);
  std::string class_name() const override { return "InputLayer"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override { return input_shape; }
  ValueRef CallOne(GraphBuilder&, ValueRef x, const CallContext&) override { return x; }
  nlohmann::json get_config() const override;
  DType dtype() const { return dtype_; }

 private:
  DType dtype_;
};

}  // namespace kiln::keras::layers

namespace kiln::keras {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct InputOptions {
  std::vector<int64_t> shape = {};
  int64_t batch_size = 0;  // Keras's Input(batch_size=...); 0 for None
  DType dtype = kFloat32;
  std::string name = "";
};

// The tensor an InputLayer feeds (made on first use); throws kiln::ValueError for another layer.
KerasTensor InputTensor(const std::shared_ptr<Layer>& input_layer);

// Keras's Input(shape=...): the symbolic tensor of a new InputLayer. In a Sequential model's layer
// list it stands for its InputLayer.
inline KerasTensor Input(InputOptions options) {
  return InputTensor(std::make_shared<layers::InputLayer>(
      layers::InputLayerOptions{.input_shape = std::move(options.shape),
                                .batch_size = options.batch_size,
                                .dtype = options.dtype,
                                .name = std::move(options.name)}));
}

}  // namespace kiln::keras
