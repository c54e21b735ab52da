// Conv2DTranspose: activation(conv2d_transpose(x, kernel) + bias), the upsampling convolution of
// U-Net decoders and GANs (Keras's Conv2DTranspose). kernel is (kh, kw, filters, in) as Keras
// stores it. The output size is Keras's deconv_output_length: with output_padding unset,
// in * stride for "same" and in * stride + max(k - stride, 0) for "valid" (k the dilated kernel
// size); with output_padding p, (in - 1) * stride + k - 2 * pad + p, pad = k / 2 for "same".
//
//   layers::Conv2DTranspose(16, 3, {.strides = 2, .padding = "same"})  // 8x8 -> 16x16
//   layers::Conv2DTranspose(8, 3, {.strides = 2, .output_padding = 1})
#pragma once

#include <optional>

#include "keras/initializers.h"
#include "keras/layers/int_or_pair.h"
#include "keras/layers/layer.h"

namespace kiln::keras::layers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct Conv2DTransposeOptions {
  IntOrPair strides = 1;
  std::string padding = "valid";
  // Keras's None when unset; each value must be less than its stride.
  std::optional<IntOrPair> output_padding = std::nullopt;
  std::string data_format = "channels_last";
  IntOrPair dilation_rate = 1;
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

class Conv2DTranspose : public Layer {
  KILN_LAYER_CLASS(Conv2DTranspose)

 public:
  // Throws kiln::ValueError naming the layer on invalid options.
  Conv2DTranspose(int64_t filters, IntOrPair kernel_size, Conv2DTransposeOptions options = {});
  std::string class_name() const override { return "Conv2DTranspose"; }
  Shape ComputeOutputShape(const Shape& input_shape) const override;
  ValueRef CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) override;
  nlohmann::json get_config() const override;

 protected:
  void BuildWeights(const Shape& input_shape) override;

 private:
  bool channels_first() const { return options_.data_format == "channels_first"; }
  int64_t OutputSize(int64_t in, int d) const;
  int64_t filters_;
  std::vector<int64_t> kernel_size_;
  Conv2DTransposeOptions options_;
};

}  // namespace kiln::keras::layers
