// The models the ONNX export tests export (onnx_export_test.cc, write_onnx_models.cc), seeded so
// that every run builds the same weights.
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "keras/applications/densenet.h"
#include "keras/applications/efficientnet.h"
#include "keras/applications/mobilenet_v2.h"
#include "keras/applications/resnet.h"
#include "keras/applications/vgg.h"
#include "keras/keras.h"

namespace kiln::keras::testing {

// The founding tutorial's MLP (Flatten -> Dense 128/256/512 relu -> Dense 10 softmax).
inline Sequential TutorialMlp() {
  Sequential m;
  m.add(layers::Flatten({.input_shape = {28, 28}}));
  m.add(layers::Dense(128, {.activation = "relu"}));
  m.add(layers::Dense(256, {.activation = "relu"}));
  m.add(layers::Dense(512, {.activation = "relu"}));
  m.add(layers::Dense(10, {.activation = "softmax"}));
  return m;
}

// Conv32 - pool - Conv64 - BatchNormalization - pool - Dense128 - Dense10 (the CNN chapter's,
// with a BatchNormalization; Flatten's channels_last order matters here).
inline Sequential SmallCnn() {
  Sequential m;
  m.add(layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}));
  m.add(layers::MaxPooling2D({.pool_size = {2, 2}}));
  m.add(layers::Conv2D(64, {3, 3}, {.padding = "same"}));
  m.add(layers::BatchNormalization());
  m.add(layers::Activation("relu"));
  m.add(layers::MaxPooling2D({.pool_size = {2, 2}}));
  m.add(layers::Flatten());
  m.add(layers::Dense(128, {.activation = "relu"}));
  m.add(layers::Dropout(0.5));
  m.add(layers::Dense(10, {.activation = "softmax"}));
  return m;
}

// A functional model with a residual Add, a Concatenate and average pooling.
inline Model FunctionalBlock() {
  KerasTensor in = Input({.shape = {16, 16, 3}, .name = "image"});
  KerasTensor a = layers::Conv2D(8, {3, 3}, {.padding = "same", .activation = "relu"})(in);
  KerasTensor b = layers::Conv2D(8, {3, 3}, {.padding = "same"})(a);
  KerasTensor x = layers::Activation("relu")(layers::Add()({a, b}));
  x = layers::Concatenate()({x, layers::Conv2D(4, {1, 1}, {.activation = "tanh"})(in)});
  x = layers::AveragePooling2D({.pool_size = {2, 2}})(x);
  x = layers::GlobalAveragePooling2D()(x);
  KerasTensor out = layers::Dense(5, {.activation = "softmax"})(x);
  return Model({.inputs = {in}, .outputs = {out}, .name = "functional_block"});
}

// Random BatchNormalization statistics and biases (Keras initializes them to 0 and 1, where a
// wrong mean/variance/beta wiring would not show): every vector weight w becomes
// w * U(0.8, 1.2) + U(-0.05, 0.05), which keeps variances positive.
inline void PerturbVectorWeights(Model& m, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.8f, 1.2f), shift(-0.05f, 0.05f);
  std::vector<Tensor> w = m.get_weights();
  for (Tensor& t : w) {
    if (t.rank() != 1) continue;
    t = t.Clone();
    for (float& v : std::span<float>(t.data<float>(), t.num_elements()))
      v = v * scale(rng) + shift(rng);
  }
  m.set_weights(w);
}

struct NamedModel {
  std::string name;
  std::function<std::unique_ptr<Model>()> build;
};

inline std::vector<NamedModel> OnnxTestModels() {
  using namespace applications;
  const std::vector<int64_t> s = {64, 64, 3};
  return {
      {"tutorial_mlp", [] { return std::make_unique<Sequential>(TutorialMlp()); }},
      {"cnn", [] { return std::make_unique<Sequential>(SmallCnn()); }},
      {"functional_block", [] { return std::make_unique<Model>(FunctionalBlock()); }},
      {"mobilenet_v2",
       [s] { return std::make_unique<Model>(MobileNetV2({.input_shape = s, .classes = 10})); }},
      {"resnet50",
       [s] { return std::make_unique<Model>(ResNet50({.input_shape = s, .classes = 10})); }},
      {"efficientnet_b0",
       [s] { return std::make_unique<Model>(EfficientNetB0({.input_shape = s, .classes = 10})); }},
      {"vgg16", [s] { return std::make_unique<Model>(VGG16({.input_shape = s, .classes = 10})); }},
      {"densenet121",
       [s] { return std::make_unique<Model>(DenseNet121({.input_shape = s, .classes = 10})); }},
  };
}

}  // namespace kiln::keras::testing
