// Writes functional models Kiln built and trained, for real Keras to load
// (keras_functional_interop.py): for each model NAME and target Keras (tfkeras, keras3),
// OUT_DIR/NAME.<target>.h5; the inputs OUT_DIR/NAME.x.<i>.npy, Kiln's predictions
// OUT_DIR/NAME.y.<i>.npy, the targets OUT_DIR/NAME.t.<i>.npy, and OUT_DIR/NAME.json with Kiln's
// evaluate() on them by metric name.
//   residual       Conv2D -> Conv2D -> Add (residual) -> ReLU -> Flatten -> Dense(softmax)
//   two_io         two inputs concatenated, two outputs with their own losses, weights, metrics
//   shared_nested  one Dense on two inputs, Subtract, a nested Sequential (with BatchNormalization,
//                  whose moving statistics Keras files after the nested model's trainable weights),
//                  Dense
//   sequence       int32 tokens (right-padded with 0) -> Embedding(mask_zero) ->
//                  Bidirectional(LSTM, return_sequences) -> GRU -> Dense(softmax): masks,
//                  recurrent weights and the Bidirectional layout
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "io/npy.h"
#include "keras/keras.h"

using namespace kiln::keras;
using kiln::Tensor;

namespace {

Tensor Random(const kiln::Shape& shape, std::mt19937& rng) {
  std::normal_distribution<float> n(0.f, 1.f);
  Tensor t(kiln::kFloat32, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = n(rng);
  return t;
}

Tensor OneHot(int64_t n, int64_t classes, std::mt19937& rng) {
  Tensor t(kiln::kFloat32, {n, classes});
  for (int64_t i = 0; i < n; ++i) t.data<float>()[i * classes + rng() % classes] = 1;
  return t;
}

void Write(const std::string& dir, const std::string& name, Model& m, const std::vector<Tensor>& x,
           const std::vector<Tensor>& y) {
  m.fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0});
  m.save(dir + "/" + name + ".tfkeras.h5", {.target = KerasTarget::kTfKeras2});
  m.save(dir + "/" + name + ".keras3.h5", {.target = KerasTarget::kKeras3});
  const std::vector<Tensor> pred = m.predict_all(x);
  for (size_t i = 0; i < x.size(); ++i)
    kiln::npy::Save(dir + "/" + name + ".x." + std::to_string(i) + ".npy", x[i]);
  for (size_t i = 0; i < y.size(); ++i) {
    kiln::npy::Save(dir + "/" + name + ".y." + std::to_string(i) + ".npy", pred[i]);
    kiln::npy::Save(dir + "/" + name + ".t." + std::to_string(i) + ".npy", y[i]);
  }
  nlohmann::json j;
  j["inputs"] = x.size();
  j["outputs"] = y.size();
  j["layers"] = nlohmann::json::array();
  for (const auto& l : m.layers()) j["layers"].push_back(l->class_name());
  const std::vector<double> e = m.evaluate(x, y, {.batch_size = 8, .verbose = 0});
  for (size_t i = 0; i < e.size(); ++i) j["evaluate"][m.metrics_names()[i]] = e[i];
  std::ofstream(dir + "/" + name + ".json") << j.dump(1);
}

// Token sequences of random lengths 2..steps, padded with 0 after the last token.
Tensor Tokens(int64_t n, int64_t steps, int32_t vocab, std::mt19937& rng) {
  Tensor t(kiln::kInt32, {n, steps});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = 2 + rng() % (steps - 1);
    for (int64_t j = 0; j < steps; ++j)
      t.data<int32_t>()[i * steps + j] =
          j < len ? 1 + static_cast<int32_t>(rng() % (vocab - 1)) : 0;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_functional_models OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  try {
    utils::set_random_seed(5);
    std::mt19937 rng(5);
    const int64_t n = 24;
    {
      KerasTensor image = Input({.shape = {6, 6, 2}, .name = "image"});
      KerasTensor c1 = layers::Conv2D(4, {3, 3}, {.padding = "same", .activation = "relu"})(image);
      KerasTensor c2 = layers::Conv2D(4, {3, 3}, {.padding = "same"})(c1);
      KerasTensor x = layers::Activation("relu")(layers::Add()({c1, c2}));
      KerasTensor out = layers::Dense(3, {.activation = "softmax"})(layers::Flatten()(x));
      Model m({.inputs = {image}, .outputs = {out}, .name = "residual"});
      m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
      Write(dir, "residual", m, {Random({n, 6, 6, 2}, rng)}, {OneHot(n, 3, rng)});
    }
    {
      KerasTensor img = Input({.shape = {4}, .name = "img"});
      KerasTensor meta = Input({.shape = {2}, .name = "meta"});
      KerasTensor h = layers::Concatenate()({layers::Dense(5, {.activation = "relu"})(img), meta});
      KerasTensor cls = layers::Dense(3, {.activation = "softmax", .name = "cls"})(h);
      KerasTensor reg = layers::Dense(1, {.name = "reg"})(h);
      Model m({.inputs = {img, meta}, .outputs = {cls, reg}, .name = "two_io"});
      m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05}),
                 .loss = {{"cls", "categorical_crossentropy"}, {"reg", "mse"}},
                 .loss_weights = {{"cls", 1.0}, {"reg", 0.5}},
                 .metrics = {{"cls", {"accuracy"}}, {"reg", {"mae"}}}});
      Write(dir, "two_io", m, {Random({n, 4}, rng), Random({n, 2}, rng)},
            {OneHot(n, 3, rng), Random({n, 1}, rng)});
    }
    {
      KerasTensor a = Input({.shape = {3}, .name = "a"});
      KerasTensor b = Input({.shape = {3}, .name = "b"});
      LayerRef shared = layers::Dense(4, {.activation = "tanh", .name = "shared"});
      KerasTensor d = layers::Subtract()({shared(a), shared(b)});
      auto inner = std::make_shared<Sequential>(
          std::vector<LayerRef>{layers::Dense(4, {.activation = "relu", .input_shape = {4}}),
                                layers::BatchNormalization(), layers::Dense(2)},
          "inner");
      KerasTensor out = layers::Dense(1)(LayerRef(inner)(d));
      Model m({.inputs = {a, b}, .outputs = {out}, .name = "shared_nested"});
      m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.05}), .loss = "mse"});
      Write(dir, "shared_nested", m, {Random({n, 3}, rng), Random({n, 3}, rng)},
            {Random({n, 1}, rng)});
    }
    {
      KerasTensor tokens = Input({.shape = {6}, .dtype = kiln::kInt32, .name = "tokens"});
      KerasTensor e = layers::Embedding(12, 4, {.mask_zero = true})(tokens);
      KerasTensor seq = layers::Bidirectional(layers::LSTM(3, {.return_sequences = true}))(e);
      KerasTensor h = layers::GRU(4)(seq);
      KerasTensor out = layers::Dense(2, {.activation = "softmax"})(h);
      Model m({.inputs = {tokens}, .outputs = {out}, .name = "sequence"});
      m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
      Write(dir, "sequence", m, {Tokens(n, 6, 12, rng)}, {OneHot(n, 2, rng)});
    }
  } catch (const kiln::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
