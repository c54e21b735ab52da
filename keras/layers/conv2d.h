// Conv2D: activation(conv2d(x, kernel) + bias), kernel (kh, kw, in / groups, filters) as Keras
// stores it for both data formats. channels_first inputs are transposed to NHWC around the NHWC
// kernels. With groups > 1, input channel group g feeds only filter group g (one Conv2D op per
// group, concatenated).
//
//   layers::Conv2D(32, 3, {.padding = "same", .activation = "relu", .input_shape = {28, 28, 1}})
//   layers::Conv2D(64, {3, 3}, {.strides = 2, .dilation_rate = 1, .groups = 4})
//   layers::Conv2D(64, {1, 7}, {.dilation_rate = {1, 2}})   // (rows, columns)
#pragma once

#include "keras/initializers.h"
#include "keras/layers/int_or_pair.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Designated initializers go in declaration order: activation first, as Keras users write
// Conv2D(32, 3, activation="relu", padding="same").
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct Conv2DOptions {
  IntOrPair strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  IntOrPair dilation_rate = 1;
  int64_t groups = 1;
  std::string activation = "linear";
  bool use_bias = true;
  Initializer kernel_initializer = "glorot_uniform";
  Initializer bias_initializer = "zeros";
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json kernel_regularizer = nullptr, bias_regularizer = nullptr,
                 activity_regularizer = nullptr;
  nlohmann::json kernel_constraint = nullptr, bias_constraint = nullptr;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class Conv2D : public Layer {
  KILN_LAYER_CLASS(Conv2D)

 public:
  Conv2D(int64_t filters, IntOrPair kernel_size, Conv2DOptions options = {});
  std::string class_name() const override { return "Conv2D"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  bool channels_first() const { return options_.data_format == "channels_first"; }
  int64_t filters_;
  std::vector<int64_t> kernel_size_;
  Conv2DOptions options_;
};

}  // namespace kiln::keras::layers
