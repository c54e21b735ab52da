// Conv1D: activation(conv1d(x, kernel) + bias) over the steps of a sequence (Keras's Conv1D), with
// kernel (kernel_size, in / groups, filters) as Keras stores it. padding "causal" pads
// (kernel_size - 1) * dilation_rate zeros before the first step, so output step t sees only
// inputs up to t (WaveNet's convolution). It runs as Conv2D on a one-row image.
//
//   layers::Conv1D(32, 3, {.activation = "relu", .input_shape = {100, 8}})   // (None, 98, 32)
//   layers::Conv1D(16, 2, {.padding = "causal", .dilation_rate = 4})
#pragma once

#include "keras/initializers.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct Conv1DOptions {
  int64_t strides = 1;
  std::string padding = "valid";  // "valid", "same" or "causal"
  std::string data_format = "channels_last";
  int64_t dilation_rate = 1;
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

class Conv1D : public Layer {
  KILN_LAYER_CLASS(Conv1D)

 public:
  // Throws kiln::ValueError naming the layer on invalid options.
  Conv1D(int64_t filters, int64_t kernel_size, Conv1DOptions options = {});
  std::string class_name() const override { return "Conv1D"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  bool channels_first() const { return options_.data_format == "channels_first"; }
  int64_t filters_, kernel_size_;
  Conv1DOptions options_;
};

}  // namespace kiln::keras::layers
