#include "examples/forecasting.h"

#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

namespace kiln::examples {

using namespace kiln::keras;

std::vector<double> SineWithNoise(int64_t n, uint32_t seed, double noise) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> e(0.0, noise);
  std::vector<double> s(n);
  for (int64_t t = 0; t < n; ++t) {
    const double u = 2 * std::numbers::pi * static_cast<double>(t);
    s[t] = std::sin(u / 25) + 0.5 * std::sin(u / 70) + e(rng);
  }
  return s;
}

namespace {
Windows Cut(const std::vector<double>& series, int64_t window, int64_t first_target,
            int64_t end_target, double mean, double scale) {
  const int64_t n = end_target - first_target;
  Windows w{Tensor(kFloat32, {n, window, 1}), Tensor(kFloat32, {n, 1})};
  for (int64_t i = 0; i < n; ++i) {
    const int64_t target = first_target + i;
    for (int64_t j = 0; j < window; ++j)
      w.x.data<float>()[i * window + j] =
          static_cast<float>((series[target - window + j] - mean) / scale);
    w.y.data<float>()[i] = static_cast<float>((series[target] - mean) / scale);
  }
  return w;
}
}  // namespace

Forecast MakeForecast(const std::vector<double>& series, ForecastOptions o) {
  const int64_t n = static_cast<int64_t>(series.size());
  if (o.window < 1) throw std::invalid_argument("MakeForecast: the window must be positive");
  Forecast f;
  f.split = n - static_cast<int64_t>(std::round(static_cast<double>(n) * o.test_fraction));
  if (f.split - o.window < 1 || f.split >= n)
    throw std::invalid_argument("MakeForecast: a series of " + std::to_string(n) +
                                " values is too short for windows of " + std::to_string(o.window) +
                                " and a test fraction of " + std::to_string(o.test_fraction));
  double sum = 0, sq = 0;
  for (int64_t t = 0; t < f.split; ++t) sum += series[t];
  f.mean = sum / static_cast<double>(f.split);
  for (int64_t t = 0; t < f.split; ++t) sq += (series[t] - f.mean) * (series[t] - f.mean);
  f.scale = std::sqrt(sq / static_cast<double>(f.split));
  if (!(f.scale > 0))
    throw std::invalid_argument("MakeForecast: the training part of the series is constant");
  f.train = Cut(series, o.window, o.window, f.split, f.mean, f.scale);
  f.test = Cut(series, o.window, f.split, n, f.mean, f.scale);
  return f;
}

double Forecast::Mae(const Tensor& predicted, const Windows& w) const {
  const int64_t n = w.y.num_elements();
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += std::abs(static_cast<double>(predicted.data<float>()[i]) - w.y.data<float>()[i]);
  return n ? sum / static_cast<double>(n) * scale : 0.0;
}

double Forecast::NaiveMae(const Windows& w) const {
  const int64_t n = w.y.num_elements(), window = w.x.shape()[1];
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += std::abs(static_cast<double>(w.x.data<float>()[i * window + window - 1]) -
                    w.y.data<float>()[i]);
  return n ? sum / static_cast<double>(n) * scale : 0.0;
}

Model GruForecaster(int64_t window, int64_t units) {
  KerasTensor in = Input({.shape = {window, 1}, .name = "window"});
  KerasTensor h = layers::GRU(units)(in);
  KerasTensor out = layers::Dense(1, {.name = "next"})(h);
  return Model({.inputs = {in}, .outputs = {out}, .name = "gru_forecaster"});
}

}  // namespace kiln::examples
