// Seconds per epoch of the tutorial MLP (784-128-256-512-10, SGD lr 0.1) on the real
// Fashion-MNIST, at the batch sizes given. One JSON line per measurement, for compare_mlp.py.
//
//   bazel run -c opt //bench:mlp_epoch -- --batch-sizes 32,128,256 --epochs 2
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

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
  // Inference on the 10,000 test images (batch 32), and batch-1 predict latency, on the last model.
  utils::set_random_seed(1);
  auto model_ptr = kiln::examples::TutorialMlp();
  Sequential& model = *model_ptr;
  Tensor x_test = test.x.astype(kFloat32) / 255.0;
  model.predict(x_test.Slice(0, 32));  // plans the executor
  auto clock = [] { return std::chrono::steady_clock::now(); };
  auto start = clock();
  model.predict(x_test);
  const double infer = std::chrono::duration<double>(clock() - start).count();
  Tensor one = x_test.Slice(0, 1);
  std::vector<double> lat;
  for (int i = 0; i < 2000; ++i) {
    auto t = clock();
    model.predict(one);
    lat.push_back(std::chrono::duration<double, std::micro>(clock() - t).count());
  }
  std::nth_element(lat.begin(), lat.begin() + lat.size() / 2, lat.end());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"framework\": \"kiln\", \"inference_10000_s\": %.4f, \"predict1_median_us\": %.1f, "
      "\"peak_rss_mib\": %.1f}\n",
      infer, lat[lat.size() / 2], usage.ru_maxrss / 1024.0);
  return 0;
}
