// Issue 15's small CNN (Conv2D 32 3x3 relu, MaxPooling2D, Conv2D 64 3x3 relu, MaxPooling2D, Dense
// 128 relu, Dense 10 softmax; Adam 1e-3; batch 64) on the real Fashion-MNIST: the seconds one
// training epoch over the first --images training images takes (after a warm-up epoch over one
// batch), then predict on the 10,000 test images at batch 32 and the batch-1 predict latency.
// JSON lines, as bench/mlp_epoch prints them, for bench/compare_peers.sh.
//
//   bazel run -c opt //bench:cnn_train -- --images 12800 --epochs 1
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bench/inference_timing.h"
#include "keras/keras.h"

using namespace kiln::keras;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::unique_ptr<Sequential> SmallCnn() {
  return std::make_unique<Sequential>(std::vector<LayerRef>{
      layers::Conv2D(32, 3, {.activation = "relu", .input_shape = {28, 28, 1}}),
      layers::MaxPooling2D(), layers::Conv2D(64, 3, {.activation = "relu"}), layers::MaxPooling2D(),
      layers::Flatten(), layers::Dense(128, {.activation = "relu"}),
      layers::Dense(10, {.activation = "softmax"})});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time training and inference of a small CNN in Kiln"};
  int64_t images = 12800, batch = 64;
  int epochs = 1;
  app.add_option("--images", images, "training images per timed epoch");
  app.add_option("--batch-size", batch, "training batch size");
  app.add_option("--epochs", epochs, "timed epochs (each reported)");
  CLI11_PARSE(app, argc, argv);
  auto [train, test] = datasets::fashion_mnist::load_data();
  auto images_of = [](const kiln::Tensor& x) {
    return (x.astype(kiln::kFloat32) / 255.0).Reshaped(kiln::Shape{x.dim(0), 28, 28, 1});
  };
  images = std::min(images, train.x.dim(0));
  kiln::Tensor x = images_of(train.x).Slice(0, images);
  kiln::Tensor y = utils::to_categorical(train.y, 10).Slice(0, images);
  utils::set_random_seed(1);
  auto model = SmallCnn();
  model->compile({.optimizer = optimizers::Adam({.learning_rate = 1e-3}),
                  .loss = "categorical_crossentropy",
                  .metrics = {"accuracy"}});
  model->fit(x.Slice(0, batch), y.Slice(0, batch), {.batch_size = batch, .verbose = 0});
  for (int e = 0; e < epochs; ++e) {
    auto start = std::chrono::steady_clock::now();
    History h = model->fit(x, y, {.batch_size = batch, .epochs = 1, .verbose = 0});
    std::printf(
        "{\"framework\": \"kiln\", \"model\": \"cnn\", \"batch\": %lld, \"images\": %lld, "
        "\"epoch\": %d, \"seconds\": %.4f, \"loss\": %.4f}\n",
        static_cast<long long>(batch), static_cast<long long>(images), e + 1, Seconds(start),
        h.history["loss"][0]);
    std::fflush(stdout);
  }
  kiln::bench::PrintInferenceTiming(*model, images_of(test.x), "cnn", 500);
  return 0;
}
