// The time-series example's parts: the CSV reader, windows cut at the held-out tail with the
// training part's standardization, the naive baseline, and a GRU that beats it.
#include "examples/forecasting.h"

#include <gtest/gtest.h>

#include <cmath>

#include "examples/csv.h"

namespace kiln::examples {
namespace {

TEST(Csv, ParsesQuotesNewlinesAndNumbers) {
  const CsvTable t = ParseCsv("\"YEAR\",\"SUNACTIVITY\"\r\n1700,5\r\n\r\n1701,\"1.5e1\"\n");
  EXPECT_EQ(t.header, (std::vector<std::string>{"YEAR", "SUNACTIVITY"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(NumericColumn(t, "SUNACTIVITY"), (std::vector<double>{5, 15}));
  EXPECT_EQ(ParseCsv("a,b\n\"x,\"\"y\"\"\nz\",\n").rows[0],
            (std::vector<std::string>{"x,\"y\"\nz", ""}));
  EXPECT_THROW(ParseCsv("a,b\n1\n"), std::runtime_error);
  EXPECT_THROW(ParseCsv("a\n\"open\n"), std::runtime_error);
  EXPECT_THROW(ColumnIndex(t, "year"), std::runtime_error);
  EXPECT_THROW(NumericColumn(ParseCsv("a\n1\nn/a\n"), "a"), std::runtime_error);
  EXPECT_THROW(ReadCsv(::testing::TempDir() + "/no such file.csv"), std::runtime_error);
}

TEST(Forecasting, WindowsSplitAtTheTail) {
  std::vector<double> ramp(100);
  for (int i = 0; i < 100; ++i) ramp[i] = 2.0 * i;
  const Forecast f = MakeForecast(ramp, {.window = 5, .test_fraction = 0.2});
  EXPECT_EQ(f.split, 80);
  EXPECT_EQ(f.train.x.shape(), (Shape{75, 5, 1}));  // targets 5..79
  EXPECT_EQ(f.test.x.shape(), (Shape{20, 5, 1}));   // targets 80..99
  EXPECT_DOUBLE_EQ(f.mean, 79.0);                   // of the first 80 values only
  auto value = [&](float standardized) { return standardized * f.scale + f.mean; };
  EXPECT_NEAR(value(f.train.x.data<float>()[0]), 0, 1e-4);
  EXPECT_NEAR(value(f.train.y.data<float>()[0]), 10, 1e-4);
  EXPECT_NEAR(value(f.test.x.data<float>()[4]), 158, 1e-4);  // the last value before the tail
  EXPECT_NEAR(value(f.test.y.data<float>()[0]), 160, 1e-4);
  EXPECT_NEAR(f.NaiveMae(f.test), 2.0, 1e-4);  // a ramp's step
  EXPECT_NEAR(f.Mae(f.test.y, f.test), 0.0, 1e-9);
  EXPECT_THROW(MakeForecast(std::vector<double>(10, 1.0), {.window = 5}), std::invalid_argument);
  EXPECT_THROW(MakeForecast(std::vector<double>(100, 1.0)), std::invalid_argument);  // constant
}

TEST(Forecasting, SineWithNoiseFollowsTheRule) {
  const std::vector<double> s = SineWithNoise(700, 3, 0.1);
  double mean_abs_residual = 0;
  for (int t = 0; t < 700; ++t)
    mean_abs_residual +=
        std::abs(s[t] - std::sin(2 * M_PI * t / 25) - 0.5 * std::sin(2 * M_PI * t / 70));
  EXPECT_NEAR(mean_abs_residual / 700, 0.1 * std::sqrt(2 / M_PI), 0.01);  // E|N(0, 0.1^2)|
  EXPECT_EQ(SineWithNoise(700, 3, 0.1), s);
}

// The example's series and window with half its epochs (here: GRU 0.117, naive 0.191; the
// noise alone costs any forecast 0.080).
TEST(Forecasting, GruBeatsTheLastValue) {
  keras::utils::set_random_seed(1);
  const Forecast f = MakeForecast(SineWithNoise(1200, 1), {.window = 24});
  keras::Model m = GruForecaster(24);
  m.compile({.optimizer = keras::optimizers::Adam({.learning_rate = 0.003}), .loss = "mse"});
  m.fit(f.train.x, f.train.y, {.batch_size = 32, .epochs = 20, .verbose = 0});
  const double mae = f.Mae(m.predict(f.test.x), f.test), naive = f.NaiveMae(f.test);
  EXPECT_LT(mae, 0.75 * naive) << "GRU " << mae << ", naive " << naive;
}

}  // namespace
}  // namespace kiln::examples
