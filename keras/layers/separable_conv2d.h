// SeparableConv2D: a DepthwiseConv2D (each input channel with its own depth_multiplier filters)
// followed by a 1x1 Conv2D mixing the channels, then bias and activation (Keras's
// SeparableConv2D; Xception's and NASNet's convolution). Weights as Keras stores them:
// depthwise_kernel (kh, kw, in, depth_multiplier), pointwise_kernel (1, 1, in * depth_multiplier,
// filters), bias (filters). Strides and dilation apply to the depthwise step.
//
//   layers::SeparableConv2D(64, 3, {.padding = "same", .use_bias = false})
#pragma once

#include "keras/initializers.h"
#include "keras/layers/int_or_pair.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct SeparableConv2DOptions {
  IntOrPair strides = 1;
  std::string padding = "valid";
  std::string data_format = "channels_last";
  IntOrPair dilation_rate = 1;
  int64_t depth_multiplier = 1;
  std::string activation = "linear";
  bool use_bias = true;
  Initializer depthwise_initializer = "glorot_uniform";
  Initializer pointwise_initializer = "glorot_uniform";
  Initializer bias_initializer = "zeros";
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json depthwise_regularizer = nullptr, pointwise_regularizer = nullptr,
                 bias_regularizer = nullptr, activity_regularizer = nullptr;
  nlohmann::json depthwise_constraint = nullptr, pointwise_constraint = nullptr,
                 bias_constraint = nullptr;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class SeparableConv2D : public Layer {
  KILN_LAYER_CLASS(SeparableConv2D)

 public:
  // Throws kiln::ValueError naming the layer on invalid options.
  SeparableConv2D(int64_t filters, IntOrPair kernel_size, SeparableConv2DOptions options = {});
  std::string class_name() const override { return "SeparableConv2D"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  int64_t filters_;
  std::vector<int64_t> kernel_size_;
  SeparableConv2DOptions o_;
};

}  // namespace kiln::keras::layers
