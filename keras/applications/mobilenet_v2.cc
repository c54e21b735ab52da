#include "keras/applications/mobilenet_v2.h"

#include <cmath>
#include <cstdio>

#include "keras/layers/add.h"
#include "keras/layers/batch_normalization.h"
#include "keras/layers/conv2d.h"
#include "keras/layers/depthwise_conv2d.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/relu.h"

namespace kiln::keras::applications {
namespace {

// Keras's _make_divisible: v rounded to a multiple of `divisor`, never more than 10% below v.
int64_t MakeDivisible(double v, int64_t divisor) {
  int64_t n =
      std::max<int64_t>(divisor, static_cast<int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

KerasTensor BatchNorm(const KerasTensor& x, const std::string& name) {
  return layers::BatchNormalization({.momentum = 0.999, .epsilon = 1e-3, .name = name})(x);
}

KerasTensor Relu6(const KerasTensor& x, const std::string& name) {
  return layers::ReLU({.max_value = 6.0, .name = name})(x);
}

KerasTensor InvertedResBlock(const KerasTensor& inputs, int64_t expansion, int64_t stride,
                             double alpha, int64_t filters, int block_id) {
  const int64_t in_channels = inputs.shape()[3];
  const int64_t pointwise =
      MakeDivisible(static_cast<double>(static_cast<int64_t>(filters * alpha)), 8);
  KerasTensor x = inputs;
  std::string prefix = "block_" + std::to_string(block_id) + "_";
  if (block_id) {
    x = layers::Conv2D(expansion * in_channels, {1, 1},
                       {.padding = "same", .use_bias = false, .name = prefix + "expand"})(x);
    x = Relu6(BatchNorm(x, prefix + "expand_BN"), prefix + "expand_relu");
  } else {
    prefix = "expanded_conv_";
  }
  if (stride == 2) x = layers::ZeroPadding2D(internal::CorrectPad(x.shape(), 3, prefix + "pad"))(x);
  x = layers::DepthwiseConv2D({3, 3}, {.strides = {stride, stride},
                                       .padding = stride == 1 ? "same" : "valid",
                                       .use_bias = false,
                                       .name = prefix + "depthwise"})(x);
  x = Relu6(BatchNorm(x, prefix + "depthwise_BN"), prefix + "depthwise_relu");
  x = layers::Conv2D(pointwise, {1, 1},
                     {.padding = "same", .use_bias = false, .name = prefix + "project"})(x);
  x = BatchNorm(x, prefix + "project_BN");
  if (in_channels == pointwise && stride == 1)
    return layers::Add({.name = prefix + "add"})({inputs, x});
  return x;
}

}  // namespace

Model MobileNetV2(MobileNetV2Options o) {
  o.input_shape = internal::CheckOptions("MobileNetV2", o.input_shape, 224, 32, o.include_top,
                                         o.classes, o.pooling);
  if (!(o.alpha > 0)) throw ValueError("MobileNetV2: alpha must be positive");
  const KerasTensor inputs = Input({.shape = o.input_shape});
  KerasTensor x = layers::Conv2D(
      MakeDivisible(32 * o.alpha, 8), {3, 3},
      {.strides = {2, 2}, .padding = "same", .use_bias = false, .name = "Conv1"})(inputs);
  x = Relu6(BatchNorm(x, "bn_Conv1"), "Conv1_relu");
  struct Block {
    int64_t filters, stride, expansion;
  };
  const Block blocks[] = {{16, 1, 1}, {24, 2, 6},  {24, 1, 6},  {32, 2, 6},  {32, 1, 6}, {32, 1, 6},
                          {64, 2, 6}, {64, 1, 6},  {64, 1, 6},  {64, 1, 6},  {96, 1, 6}, {96, 1, 6},
                          {96, 1, 6}, {160, 2, 6}, {160, 1, 6}, {160, 1, 6}, {320, 1, 6}};
  int id = 0;
  for (const Block& b : blocks)
    x = InvertedResBlock(x, b.expansion, b.stride, o.alpha, b.filters, id++);
  const int64_t last = o.alpha > 1.0 ? MakeDivisible(1280 * o.alpha, 8) : 1280;
  x = layers::Conv2D(last, {1, 1}, {.use_bias = false, .name = "Conv_1"})(x);
  x = Relu6(BatchNorm(x, "Conv_1_bn"), "out_relu");
  // Keras leaves MobileNetV2's pooling layers unnamed.
  x = internal::PoolingHead(x, o.include_top, o.pooling, o.classes, o.classifier_activation,
                            /*named_pools=*/false);
  if (o.name.empty()) {
    char alpha[32];
    std::snprintf(alpha, sizeof alpha, "%.2f", o.alpha);
    o.name = "mobilenetv2_" + std::string(alpha) + "_" + std::to_string(o.input_shape[0]);
  }
  return internal::Finish(inputs, x, o.name, o.weights);
}

}  // namespace kiln::keras::applications
