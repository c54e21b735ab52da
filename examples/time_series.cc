// A GRU forecaster: the next value of a series from a window of the previous ones, trained with
// Adam on mean squared error; prints Keras's progress bar (its mae is in standardized units),
// then the MAE on the held-out tail of the series against the naive last-value forecast.
// examples/forecasting.h has the windows, the split and the generated series' rule.
//
//   bazel run -c opt //examples:time_series [-- --epochs 40 --window 24]
//
// A real series from a CSV column: yearly sunspot numbers 1700-2008 (public domain, NOAA's
// National Geophysical Data Center), which PyPI's statsmodels wheel ships:
//
//   pip download statsmodels==0.15.0 --no-deps -d /tmp/sm
//   unzip -p /tmp/sm/statsmodels-0.15.0-*.whl statsmodels/datasets/sunspots/sunspots.csv
//       > /tmp/sunspots.csv
//   bazel run -c opt //examples:time_series -- --csv /tmp/sunspots.csv --column SUNACTIVITY
//       --window 12 --epochs 100 --batch-size 16
//
// (each command on one line; the wheel's name varies with the platform, hence the *)
#include <CLI/CLI.hpp>
#include <cstdio>

#include "examples/csv.h"
#include "examples/forecasting.h"
#include "io/user_path.h"

using namespace kiln::keras;
namespace ex = kiln::examples;

int main(int argc, char** argv) {
  CLI::App app{"Forecast the next value of a series with a GRU"};
  int epochs = 40, verbose = 1;
  int64_t length = 1200, window = 24, units = 32, batch_size = 32;
  uint32_t seed = 1;
  double noise = 0.1, learning_rate = 0.003, test_fraction = 0.2;
  std::string csv, column, output;
  app.add_option("--csv", csv, "a CSV with the series in a column; generated if not given")
      ->transform(kiln::UserPath);
  app.add_option("--column", column, "the CSV's column (in file order)");
  app.add_option("--length", length, "the generated series' length");
  app.add_option("--noise", noise, "the generated series' noise (standard deviation)");
  app.add_option("--window", window, "previous values the forecast sees");
  app.add_option("--test-fraction", test_fraction, "the tail of the series held out");
  app.add_option("--units", units, "GRU units");
  app.add_option("--epochs", epochs, "training epochs");
  app.add_option("--batch-size", batch_size, "batch size");
  app.add_option("--learning-rate", learning_rate, "Adam's learning rate");
  app.add_option("--verbose", verbose, "fit's verbosity (0, 1, 2)");
  app.add_option("--seed", seed, "the weights' and the generated series' seed");
  app.add_option("--output", output, "where to save the trained model (.h5), if given")
      ->transform(kiln::UserPath);
  CLI11_PARSE(app, argc, argv);
  if (!csv.empty() && column.empty()) {
    std::fprintf(stderr, "--csv needs --column\n");
    return 2;
  }
  utils::set_random_seed(seed);
  const std::vector<double> series = csv.empty() ? ex::SineWithNoise(length, seed, noise)
                                                 : ex::NumericColumn(ex::ReadCsv(csv), column);
  const ex::Forecast f =
      ex::MakeForecast(series, {.window = window, .test_fraction = test_fraction});
  std::printf("%s: %zu values; %lld training windows, the last %lld values held out\n",
              csv.empty() ? "sine with noise" : (csv + " " + column).c_str(), series.size(),
              static_cast<long long>(f.train.y.num_elements()),
              static_cast<long long>(f.test.y.num_elements()));
  Model m = ex::GruForecaster(window, units);
  if (verbose) m.summary();
  m.compile({.optimizer = optimizers::Adam({.learning_rate = learning_rate}),
             .loss = "mse",
             .metrics = {"mae"}});
  m.fit(f.train.x, f.train.y, {.batch_size = batch_size, .epochs = epochs, .verbose = verbose});
  std::printf("MAE on the held-out tail (%lld values):\n",
              static_cast<long long>(f.test.y.num_elements()));
  std::printf("  GRU                %.4f\n", f.Mae(m.predict(f.test.x), f.test));
  std::printf("  naive (last value) %.4f\n", f.NaiveMae(f.test));
  if (!output.empty()) m.save(output);
  return 0;
}
