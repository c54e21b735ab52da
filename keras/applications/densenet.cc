#include "keras/applications/densenet.h"

#include <array>

#include "keras/layers/activation.h"
#include "keras/layers/average_pooling2d.h"
#include "keras/layers/batch_normalization.h"
#include "keras/layers/concatenate.h"
#include "keras/layers/conv2d.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/max_pooling2d.h"
#include "keras/layers/zero_padding2d.h"

namespace kiln::keras::applications {
namespace {

KerasTensor BnRelu(const KerasTensor& x, const std::string& name) {
  const KerasTensor y =
      layers::BatchNormalization({.axis = 3, .epsilon = 1.001e-5, .name = name + "_bn"})(x);
  return layers::Activation("relu", {.name = name + "_relu"})(y);
}

// Keras's conv_block: BN-ReLU-1x1 (4*growth) BN-ReLU-3x3 (growth), concatenated to the input.
KerasTensor ConvBlock(const KerasTensor& x, int64_t growth_rate, const std::string& name) {
  KerasTensor y = BnRelu(x, name + "_0");
  y = layers::Conv2D(4 * growth_rate, {1, 1}, {.use_bias = false, .name = name + "_1_conv"})(y);
  y = BnRelu(y, name + "_1");
  y = layers::Conv2D(growth_rate, {3, 3},
                     {.padding = "same", .use_bias = false, .name = name + "_2_conv"})(y);
  return layers::Concatenate({.axis = 3, .name = name + "_concat"})({x, y});
}

// Keras's transition_block with reduction 0.5.
KerasTensor Transition(const KerasTensor& x, const std::string& name) {
  KerasTensor y = BnRelu(x, name);
  y = layers::Conv2D(y.shape()[3] / 2, {1, 1}, {.use_bias = false, .name = name + "_conv"})(y);
  return layers::AveragePooling2D({.pool_size = {2, 2}, .strides = {2, 2}, .name = name + "_pool"})(
      y);
}

Model DenseNet(const std::array<int, 4>& blocks, const std::string& class_name,
               const std::string& model_name, ApplicationOptions o) {
  o.input_shape = internal::CheckOptions(class_name, o.input_shape, 224, 32, o.include_top,
                                         o.classes, o.pooling);
  const KerasTensor inputs = Input({.shape = o.input_shape});
  // Keras leaves the two ZeroPadding2D layers unnamed.
  KerasTensor x = layers::ZeroPadding2D({.padding = {{{3, 3}, {3, 3}}}})(inputs);
  x = layers::Conv2D(64, {7, 7}, {.strides = {2, 2}, .use_bias = false, .name = "conv1_conv"})(x);
  x = BnRelu(x, "conv1");
  x = layers::ZeroPadding2D({.padding = {{{1, 1}, {1, 1}}}})(x);
  x = layers::MaxPooling2D({.pool_size = {3, 3}, .strides = {2, 2}, .name = "pool1"})(x);
  for (int stage = 0; stage < 4; ++stage) {
    const std::string name = "conv" + std::to_string(stage + 2);
    for (int i = 1; i <= blocks[stage]; ++i)
      x = ConvBlock(x, 32, name + "_block" + std::to_string(i));
    if (stage < 3) x = Transition(x, "pool" + std::to_string(stage + 2));
  }
  x = layers::BatchNormalization({.axis = 3, .epsilon = 1.001e-5, .name = "bn"})(x);
  x = layers::Activation("relu", {.name = "relu"})(x);
  x = internal::PoolingHead(x, o.include_top, o.pooling, o.classes, o.classifier_activation);
  return internal::Finish(inputs, x, o.name.empty() ? model_name : o.name, o.weights);
}

}  // namespace

Model DenseNet121(ApplicationOptions o) {
  return DenseNet({6, 12, 24, 16}, "DenseNet121", "densenet121", std::move(o));
}
Model DenseNet169(ApplicationOptions o) {
  return DenseNet({6, 12, 32, 32}, "DenseNet169", "densenet169", std::move(o));
}
Model DenseNet201(ApplicationOptions o) {
  return DenseNet({6, 12, 48, 32}, "DenseNet201", "densenet201", std::move(o));
}

}  // namespace kiln::keras::applications
