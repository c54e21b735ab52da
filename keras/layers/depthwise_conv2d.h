// DepthwiseConv2D: each input channel convolved with its own depth_multiplier filters (Keras's
// DepthwiseConv2D; MobileNet's and EfficientNet's spatial convolution). depthwise_kernel is
// (kh, kw, channels, depth_multiplier) as Keras stores it; output channel c * depth_multiplier + m
// comes from input channel c and filter m.
//
//   layers::DepthwiseConv2D(3, {.strides = 2, .padding = "same", .use_bias = false,
//                               .name = "block_1_depthwise"})
#pragma once

#include "keras/initializers.h"
#include "keras/layers/int_or_pair.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct DepthwiseConv2DOptions {
  IntOrPair strides = 1;
  std::string padding = "valid";
  int64_t depth_multiplier = 1;
  std::string data_format = "channels_last";
  IntOrPair dilation_rate = 1;
  std::string activation = "linear";
  bool use_bias = true;
  Initializer depthwise_initializer = "glorot_uniform";
  Initializer bias_initializer = "zeros";
  // Keras configs, applied by the model in training (keras/regularizers.h, constraints.h).
  nlohmann::json depthwise_regularizer = nullptr, bias_regularizer = nullptr,
                 activity_regularizer = nullptr;
  nlohmann::json depthwise_constraint = nullptr, bias_constraint = nullptr;
  std::vector<int64_t> input_shape = {};
  std::string name = "";
};

class DepthwiseConv2D : public Layer {
  KILN_LAYER_CLASS(DepthwiseConv2D)

 public:
  // Throws kiln::ValueError naming the layer on invalid options.
  explicit DepthwiseConv2D(IntOrPair kernel_size, DepthwiseConv2DOptions options = {});
  std::string class_name() const override { return "DepthwiseConv2D"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  bool channels_first() const { return o_.data_format == "channels_first"; }
  std::vector<int64_t> kernel_size_;
  DepthwiseConv2DOptions o_;
};

}  // namespace kiln::keras::layers
