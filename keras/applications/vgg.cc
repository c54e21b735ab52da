#include "keras/applications/vgg.h"

#include <array>

#include "keras/layers/conv2d.h"
#include "keras/layers/dense.h"
#include "keras/layers/flatten.h"
#include "keras/layers/global_pooling2d.h"
#include "keras/layers/input_layer.h"
#include "keras/layers/max_pooling2d.h"

namespace kiln::keras::applications {
namespace {

Model VGG(const std::array<int, 5>& convs, const std::string& class_name,
          const std::string& model_name, ApplicationOptions o) {
  o.input_shape = internal::CheckOptions(class_name, o.input_shape, 224, 32, o.include_top,
                                         o.classes, o.pooling);
  const KerasTensor inputs = Input({.shape = o.input_shape});
  const int64_t filters[] = {64, 128, 256, 512, 512};
  KerasTensor x = inputs;
  for (int b = 0; b < 5; ++b) {
    const std::string block = "block" + std::to_string(b + 1);
    for (int c = 1; c <= convs[b]; ++c)
      x = layers::Conv2D(
          filters[b], {3, 3},
          {.padding = "same", .activation = "relu", .name = block + "_conv" + std::to_string(c)})(
          x);
    x = layers::MaxPooling2D({.pool_size = {2, 2}, .strides = {2, 2}, .name = block + "_pool"})(x);
  }
  if (o.include_top) {
    x = layers::Flatten({.name = "flatten"})(x);
    x = layers::Dense(4096, {.activation = "relu", .name = "fc1"})(x);
    x = layers::Dense(4096, {.activation = "relu", .name = "fc2"})(x);
    x = layers::Dense(o.classes, {.activation = o.classifier_activation, .name = "predictions"})(x);
  } else {
    // Keras leaves VGG's optional pooling layers unnamed.
    x = internal::PoolingHead(x, false, o.pooling, 0, "", /*named_pools=*/false);
  }
  return internal::Finish(inputs, x, o.name.empty() ? model_name : o.name, o.weights);
}

}  // namespace

Model VGG16(ApplicationOptions o) { return VGG({2, 2, 3, 3, 3}, "VGG16", "vgg16", std::move(o)); }
Model VGG19(ApplicationOptions o) { return VGG({2, 2, 4, 4, 4}, "VGG19", "vgg19", std::move(o)); }

}  // namespace kiln::keras::applications
