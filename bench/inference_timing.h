// The inference half of bench/mlp_epoch and bench/cnn_train: predict on the whole test set at
// batch 32 (after one call that plans the executor) and the median batch-1 latency, printed as
// one JSON line with the process's peak RSS so far.
//
//   kiln::bench::PrintInferenceTiming(model, x_test, "cnn", 500);
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "keras/keras.h"

namespace kiln::bench {

inline void PrintInferenceTiming(keras::Model& model, const Tensor& x_test, const char* name,
                                 int latency_calls) {
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  model.predict(x_test.Slice(0, 32));  // plans the inference executor
  const auto start = std::chrono::steady_clock::now();
  model.predict(x_test, {.batch_size = 32});
  const double infer = seconds_since(start);
  const Tensor one = x_test.Slice(0, 1);
  model.predict(one);
  std::vector<double> lat;
  for (int i = 0; i < latency_calls; ++i) {
    const auto t = std::chrono::steady_clock::now();
    model.predict(one);
    lat.push_back(seconds_since(t) * 1e6);
  }
  std::nth_element(lat.begin(), lat.begin() + lat.size() / 2, lat.end());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"framework\": \"kiln\", \"model\": \"%s\", \"inference_10000_s\": %.4f, "
      "\"predict1_median_us\": %.1f, \"peak_rss_mib\": %.1f}\n",
      name, infer, lat[lat.size() / 2], usage.ru_maxrss / 1024.0);
}

}  // namespace kiln::bench
