#include "keras/applications/efficientnet.h"

#include <cmath>

#include "keras/initializers.h"
#include "keras/layers/activation.h"
#include "keras/layers/add.h"
#include "keras/layers/batch_normalization.h"
#include "keras/layers/conv2d.h"
#include "keras/layers/dense.h"
#include "keras/layers/depthwise_conv2d.h"
#include "keras/layers/dropout.h"
#include "keras/layers/global_pooling2d.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/multiply.h"
#include "keras/layers/normalization.h"
#include "keras/layers/rescaling.h"
#include "keras/layers/reshape.h"

namespace kiln::keras::applications {
namespace {

struct Scaling {
  double width, depth;
  int64_t default_size;
  double dropout;
};

struct BlockArgs {
  int64_t kernel, repeats, filters_in, filters_out, expand_ratio, strides;
};

// Keras's DEFAULT_BLOCKS_ARGS (every block has id_skip and se_ratio 0.25).
constexpr BlockArgs kBlocks[] = {
    {3, 1, 32, 16, 1, 1},  {3, 2, 16, 24, 6, 2},   {5, 2, 24, 40, 6, 2},  {3, 3, 40, 80, 6, 2},
    {5, 3, 80, 112, 6, 1}, {5, 4, 112, 192, 6, 2}, {3, 1, 192, 320, 6, 1}};

const Initializer& ConvInit() {
  static const Initializer init = initializers::VarianceScaling(
      {.scale = 2.0, .mode = "fan_out", .distribution = "truncated_normal"});
  return init;
}

KerasTensor BatchNorm(const KerasTensor& x, const std::string& name) {
  return layers::BatchNormalization({.axis = 3, .name = name})(x);
}

KerasTensor Swish(const KerasTensor& x, const std::string& name) {
  return layers::Activation("swish", {.name = name})(x);
}

KerasTensor Conv1x1(const KerasTensor& x, int64_t filters, const std::string& name) {
  return layers::Conv2D(
      filters, {1, 1},
      {.padding = "same", .use_bias = false, .kernel_initializer = ConvInit(), .name = name})(x);
}

// Keras's block(): expansion, depthwise convolution, squeeze-and-excitation, projection, and the
// residual with drop-connect.
KerasTensor MBConv(const KerasTensor& inputs, const BlockArgs& a, int64_t filters_in,
                   int64_t strides, double drop_rate, const std::string& name) {
  const int64_t filters = filters_in * a.expand_ratio;
  KerasTensor x = inputs;
  if (a.expand_ratio != 1)
    x = Swish(BatchNorm(Conv1x1(x, filters, name + "expand_conv"), name + "expand_bn"),
              name + "expand_activation");
  if (strides == 2)
    x = layers::ZeroPadding2D(internal::CorrectPad(x.shape(), a.kernel, name + "dwconv_pad"))(x);
  x = layers::DepthwiseConv2D({a.kernel, a.kernel}, {.strides = {strides, strides},
                                                     .padding = strides == 2 ? "valid" : "same",
                                                     .use_bias = false,
                                                     .depthwise_initializer = ConvInit(),
                                                     .name = name + "dwconv"})(x);
  x = Swish(BatchNorm(x, name + "bn"), name + "activation");
  const int64_t filters_se = std::max<int64_t>(1, static_cast<int64_t>(filters_in * 0.25));
  KerasTensor se = layers::GlobalAveragePooling2D({.name = name + "se_squeeze"})(x);
  se = layers::Reshape({1, 1, filters}, {.name = name + "se_reshape"})(se);
  se = layers::Conv2D(filters_se, {1, 1},
                      {.padding = "same",
                       .activation = "swish",
                       .kernel_initializer = ConvInit(),
                       .name = name + "se_reduce"})(se);
  se = layers::Conv2D(filters, {1, 1},
                      {.padding = "same",
                       .activation = "sigmoid",
                       .kernel_initializer = ConvInit(),
                       .name = name + "se_expand"})(se);
  x = layers::Multiply({.name = name + "se_excite"})({x, se});
  x = BatchNorm(Conv1x1(x, a.filters_out, name + "project_conv"), name + "project_bn");
  if (strides == 1 && filters_in == a.filters_out) {
    if (drop_rate > 0)
      x = layers::Dropout(drop_rate,
                          {.noise_shape = {kUnknownDim, 1, 1, 1}, .name = name + "drop"})(x);
    x = layers::Add({.name = name + "add"})({x, inputs});
  }
  return x;
}

Model EfficientNet(const Scaling& s, const std::string& class_name, const std::string& model_name,
                   ApplicationOptions o) {
  o.input_shape = internal::CheckOptions(class_name, o.input_shape, s.default_size, 32,
                                         o.include_top, o.classes, o.pooling);
  // Keras's round_filters and round_repeats.
  auto filters = [&](int64_t f) {
    const double scaled = f * s.width;
    int64_t n = std::max<int64_t>(8, static_cast<int64_t>(scaled + 4) / 8 * 8);
    if (n < 0.9 * scaled) n += 8;
    return n;
  };
  auto repeats = [&](int64_t r) { return static_cast<int64_t>(std::ceil(s.depth * r)); };

  const KerasTensor inputs = Input({.shape = o.input_shape});
  KerasTensor x = layers::Rescaling(1.0 / 255.0)(inputs);
  x = layers::Normalization({.axis = {3}})(x);
  x = layers::ZeroPadding2D(internal::CorrectPad(x.shape(), 3, "stem_conv_pad"))(x);
  x = layers::Conv2D(filters(32), {3, 3},
                     {.strides = {2, 2},
                      .use_bias = false,
                      .kernel_initializer = ConvInit(),
                      .name = "stem_conv"})(x);
  x = Swish(BatchNorm(x, "stem_bn"), "stem_activation");
  double total = 0;
  for (const BlockArgs& a : kBlocks) total += repeats(a.repeats);
  int b = 0;
  for (int i = 0; i < 7; ++i) {
    BlockArgs a = kBlocks[i];
    a.filters_out = filters(a.filters_out);
    int64_t filters_in = filters(a.filters_in);
    for (int64_t j = 0; j < repeats(a.repeats); ++j) {
      const std::string name = "block" + std::to_string(i + 1) + static_cast<char>('a' + j) + "_";
      x = MBConv(x, a, filters_in, j == 0 ? a.strides : 1, 0.2 * b / total, name);
      filters_in = a.filters_out;
      ++b;
    }
  }
  x = Swish(BatchNorm(Conv1x1(x, filters(1280), "top_conv"), "top_bn"), "top_activation");
  if (o.include_top) {
    x = layers::GlobalAveragePooling2D({.name = "avg_pool"})(x);
    if (s.dropout > 0) x = layers::Dropout(s.dropout, {.name = "top_dropout"})(x);
    x = layers::Dense(o.classes,
                      {.activation = o.classifier_activation,
                       .kernel_initializer = initializers::VarianceScaling(
                           {.scale = 1.0 / 3.0, .mode = "fan_out", .distribution = "uniform"}),
                       .name = "predictions"})(x);
  } else {
    x = internal::PoolingHead(x, false, o.pooling, 0, "");
  }
  return internal::Finish(inputs, x, o.name.empty() ? model_name : o.name, o.weights);
}

}  // namespace

Model EfficientNetB0(ApplicationOptions o) {
  return EfficientNet({1.0, 1.0, 224, 0.2}, "EfficientNetB0", "efficientnetb0", std::move(o));
}
Model EfficientNetB1(ApplicationOptions o) {
  return EfficientNet({1.0, 1.1, 240, 0.2}, "EfficientNetB1", "efficientnetb1", std::move(o));
}
Model EfficientNetB2(ApplicationOptions o) {
  return EfficientNet({1.1, 1.2, 260, 0.3}, "EfficientNetB2", "efficientnetb2", std::move(o));
}
Model EfficientNetB3(ApplicationOptions o) {
  return EfficientNet({1.2, 1.4, 300, 0.3}, "EfficientNetB3", "efficientnetb3", std::move(o));
}
Model EfficientNetB4(ApplicationOptions o) {
  return EfficientNet({1.4, 1.8, 380, 0.4}, "EfficientNetB4", "efficientnetb4", std::move(o));
}
Model EfficientNetB5(ApplicationOptions o) {
  return EfficientNet({1.6, 2.2, 456, 0.4}, "EfficientNetB5", "efficientnetb5", std::move(o));
}
Model EfficientNetB6(ApplicationOptions o) {
  return EfficientNet({1.8, 2.6, 528, 0.5}, "EfficientNetB6", "efficientnetb6", std::move(o));
}
Model EfficientNetB7(ApplicationOptions o) {
  return EfficientNet({2.0, 3.1, 600, 0.5}, "EfficientNetB7", "efficientnetb7", std::move(o));
}

}  // namespace kiln::keras::applications
