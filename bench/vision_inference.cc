// Inference images/s of keras.applications models built by Kiln (random weights, 224x224x3), at
// the batch sizes given: after one warm-up call (which plans the executor), the median of
// --repeats predict_on_batch calls. One JSON line per measurement, for compare_vision.sh.
//
//   bazel run -c opt //bench:vision_inference -- --models MobileNetV2,ResNet50 --batch-sizes 1,32
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Time inference of keras.applications models in Kiln"};
  std::vector<std::string> models = {"MobileNetV2", "ResNet50"};
  std::vector<int64_t> batch_sizes = {1, 32};
  int repeats = 5;
  app.add_option("--models", models, "MobileNetV2, ResNet50")->delimiter(',');
  app.add_option("--batch-sizes", batch_sizes, "batch sizes to time")->delimiter(',');
  app.add_option("--repeats", repeats, "timed calls per batch size (the median is reported)");
  CLI11_PARSE(app, argc, argv);
  for (const std::string& name : models) {
    utils::set_random_seed(1);
    Model model = name == "ResNet50" ? applications::ResNet50() : applications::MobileNetV2();
    for (int64_t bs : batch_sizes) {
      kiln::Tensor x(kiln::kFloat32, {bs, 224, 224, 3});
      std::mt19937 rng(2);
      std::uniform_real_distribution<float> u(-1, 1);
      for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = u(rng);
      model.predict_on_batch(x);
      std::vector<double> seconds;
      for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        model.predict_on_batch(x);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      std::nth_element(seconds.begin(), seconds.begin() + seconds.size() / 2, seconds.end());
      const double s = seconds[seconds.size() / 2];
      std::printf(
          "{\"framework\": \"kiln\", \"model\": \"%s\", \"batch\": %lld, \"seconds\": %.5f, "
          "\"images_per_s\": %.2f}\n",
          name.c_str(), static_cast<long long>(bs), s, bs / s);
      std::fflush(stdout);
    }
  }
  return 0;
}
