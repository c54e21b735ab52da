// Training steps/s of LSTM(128) -> Dense(1) (MSE, Adam 1e-3) on one random batch of 32 sequences
// of 100 steps x 32 features, float32, as bench/peers/torch_lstm.py and keras_lstm.py time it:
// --warmup train_on_batch calls (the first plans the executor), then --steps timed calls, whose
// total time gives steps/s; then predict_on_batch on the same batch (--warmup, then the median of
// --steps calls). One JSON line per measurement, for compare_lstm.sh.
//
//   bazel run -c opt //bench:lstm_train -- --steps 30 --warmup 5
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include "keras/keras.h"

using namespace kiln::keras;

int main(int argc, char** argv) {
  CLI::App app{"Time LSTM(128) training and inference in Kiln"};
  int64_t batch = 32, steps_in_time = 100, features = 32, units = 128;
  int warmup = 5, steps = 30;
  app.add_option("--batch", batch, "sequences per batch");
  app.add_option("--timesteps", steps_in_time, "steps per sequence");
  app.add_option("--features", features, "features per step");
  app.add_option("--units", units, "LSTM units");
  app.add_option("--warmup", warmup, "untimed calls first");
  app.add_option("--steps", steps, "timed calls");
  CLI11_PARSE(app, argc, argv);
  utils::set_random_seed(1);
  KerasTensor in = Input({.shape = {steps_in_time, features}});
  KerasTensor h = layers::LSTM(units)(in);
  KerasTensor out = layers::Dense(1)(h);
  Model model({.inputs = {in}, .outputs = {out}});
  model.compile({.optimizer = optimizers::Adam({.learning_rate = 1e-3}), .loss = "mse"});
  kiln::Tensor x(kiln::kFloat32, {batch, steps_in_time, features});
  kiln::Tensor y(kiln::kFloat32, {batch, 1});
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = u(rng);
  for (int64_t i = 0; i < y.num_elements(); ++i) y.data<float>()[i] = u(rng);
  auto clock = [] { return std::chrono::steady_clock::now(); };
  // Process CPU seconds: over wall seconds, how many cores the timed steps kept busy.
  auto cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  double loss = 0;
  for (int i = 0; i < warmup; ++i) model.train_on_batch(x, y);
  const auto start = clock();
  const double cpu_start = cpu();
  for (int i = 0; i < steps; ++i) loss = model.train_on_batch(x, y)[0];
  const double train_s = std::chrono::duration<double>(clock() - start).count();
  const double train_cpu = cpu() - cpu_start;
  std::printf(
      "{\"framework\": \"kiln\", \"mode\": \"train\", \"batch\": %lld, \"seconds_per_step\": %.6f, "
      "\"steps_per_s\": %.3f, \"loss\": %.5f, \"cpu_per_wall\": %.2f}\n",
      static_cast<long long>(batch), train_s / steps, steps / train_s, loss, train_cpu / train_s);
  std::fflush(stdout);
  for (int i = 0; i < warmup; ++i) model.predict_on_batch(x);
  std::vector<double> seconds;
  for (int i = 0; i < steps; ++i) {
    const auto t = clock();
    model.predict_on_batch(x);
    seconds.push_back(std::chrono::duration<double>(clock() - t).count());
  }
  std::nth_element(seconds.begin(), seconds.begin() + seconds.size() / 2, seconds.end());
  const double s = seconds[seconds.size() / 2];
  std::printf(
      "{\"framework\": \"kiln\", \"mode\": \"predict\", \"batch\": %lld, \"seconds_per_step\": "
      "%.6f, \"steps_per_s\": %.3f}\n",
      static_cast<long long>(batch), s, 1 / s);
  return 0;
}
