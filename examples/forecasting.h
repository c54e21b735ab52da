// Windows of a series and a GRU forecaster for examples/time_series.cc.
//
//   std::vector<double> s = SineWithNoise(1200, /*seed=*/1);     // or NumericColumn of a CSV
//   Forecast f = MakeForecast(s, {.window = 24, .test_fraction = 0.2});
//   Model m = GruForecaster(24);                  // (window, 1) -> GRU(32) -> Dense(1)
//   m.fit(f.train.x, f.train.y, ...);
//   double mae = f.Mae(m.predict(f.test.x), f.test), naive = f.NaiveMae(f.test);
//
// The generated series (SineWithNoise): x_t = sin(2 pi t / 25) + 0.5 sin(2 pi t / 70) + e_t, the
// e_t independent N(0, 0.1^2) draws of a std::mt19937(seed): a 25-step cycle on a slower one,
// so the next value needs the phase, which a window of the previous values holds.
//
// A window is `window` consecutive values and its target the value after them. The series is
// cut once: windows whose target lies in the last test_fraction of it are the held-out tail, the
// earlier ones are for training. Values are standardized with the mean and standard deviation of
// the training part only; MAEs are reported in the series' own units.
#pragma once

#include <cstdint>
#include <vector>

#include "keras/keras.h"

namespace kiln::examples {

std::vector<double> SineWithNoise(int64_t n, uint32_t seed, double noise = 0.1);

struct Windows {
  Tensor x;  // float32 (n, window, 1), standardized
  Tensor y;  // float32 (n, 1), standardized
};

struct ForecastOptions {
  int64_t window = 24;
  double test_fraction = 0.2;
};

struct Forecast {
  Windows train, test;
  double mean = 0, scale = 1;  // x_standardized = (x - mean) / scale
  int64_t split = 0;           // the first target index of the held-out tail
  // Mean absolute error of standardized predictions (n, 1) against w.y, in the series' units.
  double Mae(const Tensor& predicted, const Windows& w) const;
  // The naive forecast: the next value is the window's last one.
  double NaiveMae(const Windows& w) const;
};

// Throws std::invalid_argument when the series is too short for one training and one test
// window, or constant on its training part.
Forecast MakeForecast(const std::vector<double>& series, ForecastOptions options = {});

// (window, 1) -> GRU(units) -> Dense(1).
keras::Model GruForecaster(int64_t window, int64_t units = 32);

}  // namespace kiln::examples
