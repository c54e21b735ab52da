#include "keras/applications/resnet.h"

#include <array>

#include "keras/layers/activation.h"
#include "keras/layers/add.h"
#include "keras/layers/batch_normalization.h"
#include "keras/layers/conv2d.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/max_pooling2d.h"
#include "keras/layers/zero_padding2d.h"

namespace kiln::keras::applications {
namespace {

KerasTensor BatchNorm(const KerasTensor& x, const std::string& name) {
  return layers::BatchNormalization({.axis = 3, .epsilon = 1.001e-5, .name = name})(x);
}

KerasTensor Relu(const KerasTensor& x, const std::string& name) {
  return layers::Activation("relu", {.name = name})(x);
}

// Keras's residual_block_v1: 1x1 (strided), 3x3, 1x1 to 4*filters, plus the shortcut.
KerasTensor Block(const KerasTensor& x, int64_t filters, int64_t stride, bool conv_shortcut,
                  const std::string& name) {
  const std::vector<int64_t> strides = {stride, stride};
  KerasTensor shortcut = x;
  if (conv_shortcut) {
    shortcut =
        layers::Conv2D(4 * filters, {1, 1}, {.strides = strides, .name = name + "_0_conv"})(x);
    shortcut = BatchNorm(shortcut, name + "_0_bn");
  }
  KerasTensor y =
      layers::Conv2D(filters, {1, 1}, {.strides = strides, .name = name + "_1_conv"})(x);
  y = Relu(BatchNorm(y, name + "_1_bn"), name + "_1_relu");
  y = layers::Conv2D(filters, {3, 3}, {.padding = "same", .name = name + "_2_conv"})(y);
  y = Relu(BatchNorm(y, name + "_2_bn"), name + "_2_relu");
  y = layers::Conv2D(4 * filters, {1, 1}, {.name = name + "_3_conv"})(y);
  y = BatchNorm(y, name + "_3_bn");
  y = layers::Add({.name = name + "_add"})({shortcut, y});
  return Relu(y, name + "_out");
}

// Keras's stack_residual_blocks_v1, for the four stages conv2..conv5.
Model ResNet(const std::array<int, 4>& blocks, const std::string& class_name,
             const std::string& model_name, ApplicationOptions o) {
  o.input_shape = internal::CheckOptions(class_name, o.input_shape, 224, 32, o.include_top,
                                         o.classes, o.pooling);
  const KerasTensor inputs = Input({.shape = o.input_shape});
  KerasTensor x =
      layers::ZeroPadding2D({.padding = {{{3, 3}, {3, 3}}}, .name = "conv1_pad"})(inputs);
  x = layers::Conv2D(64, {7, 7}, {.strides = {2, 2}, .name = "conv1_conv"})(x);
  x = Relu(BatchNorm(x, "conv1_bn"), "conv1_relu");
  x = layers::ZeroPadding2D({.padding = {{{1, 1}, {1, 1}}}, .name = "pool1_pad"})(x);
  x = layers::MaxPooling2D({.pool_size = {3, 3}, .strides = {2, 2}, .name = "pool1_pool"})(x);
  const int64_t filters[] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage) {
    const std::string name = "conv" + std::to_string(stage + 2);
    for (int i = 1; i <= blocks[stage]; ++i)
      x = Block(x, filters[stage], i == 1 && stage > 0 ? 2 : 1, i == 1,
                name + "_block" + std::to_string(i));
  }
  x = internal::PoolingHead(x, o.include_top, o.pooling, o.classes, o.classifier_activation);
  return internal::Finish(inputs, x, o.name.empty() ? model_name : o.name, o.weights);
}

}  // namespace

Model ResNet50(ApplicationOptions o) {
  return ResNet({3, 4, 6, 3}, "ResNet50", "resnet50", std::move(o));
}
Model ResNet101(ApplicationOptions o) {
  return ResNet({3, 4, 23, 3}, "ResNet101", "resnet101", std::move(o));
}
Model ResNet152(ApplicationOptions o) {
  return ResNet({3, 8, 36, 3}, "ResNet152", "resnet152", std::move(o));
}

}  // namespace kiln::keras::applications
