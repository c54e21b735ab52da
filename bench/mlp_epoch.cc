// Seconds per epoch of the tutorial MLP (784-128-256-512-10, SGD lr 0.1) on the real
// Fashion-MNIST, at the batch sizes given. One JSON line per measurement, for compare_mlp.py.
//
//   bazel run -c opt //bench:mlp_epoch -- --batch-sizes 32,128,256 --epochs 2
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bench/inference_timing.h"
#include "examples/tutorial_mlp.h"
#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Time one epoch of the tutorial MLP in Kiln"};
  std::vector<int64_t> batch_sizes = {32, 128, 256};
  int epochs = 1;
  app.add_option("--batch-sizes", batch_sizes, "batch sizes to time")->delimiter(',');
  app.add_option("--epochs", epochs, "epochs per batch size (each reported)");
  CLI11_PARSE(app, argc, argv);
  auto [train, test] = datasets::fashion_mnist::load_data();
  Tensor x = train.x.astype(kFloat32) / 255.0, y = utils::to_categorical(train.y, 10);
  for (int64_t bs : batch_sizes) {
    utils::set_random_seed(1);
    auto model_ptr = kiln::examples::TutorialMlp();
    Sequential& model = *model_ptr;
    model.compile({.optimizer = optimizers::SGD({.lr = 0.1}),
                   .loss = "categorical_crossentropy",
                   .metrics = {"accuracy"}});
    for (int e = 0; e < epochs; ++e) {
      auto start = std::chrono::steady_clock::now();
      History h = model.fit(x, y, {.batch_size = bs, .epochs = 1, .verbose = 0});
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf(
          "{\"framework\": \"kiln\", \"batch\": %lld, \"epoch\": %d, \"seconds\": %.4f, \"loss\": "
          "%.4f}\n",
          static_cast<long long>(bs), e + 1, s, h.history["loss"][0]);
      std::fflush(stdout);
    }
  }
  // Inference on the 10,000 test images (batch 32), and batch-1 predict latency, on a fresh model.
  utils::set_random_seed(1);
  kiln::bench::PrintInferenceTiming(*kiln::examples::TutorialMlp(), test.x.astype(kFloat32) / 255.0,
                                    "mlp", 2000);
  return 0;
}
