// Dropout's noise_shape, SpatialDropout2D, GaussianNoise, GaussianDropout (in training, their noise
// has the structure and moments Keras's has; at inference they are the identity), Rescaling and
// Normalization (values, adapt, configs both ways, Keras's errors, gradients against finite
// differences).
#include <gtest/gtest.h>

#include <cmath>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

TEST(Dropout, NoiseShapeDrawsOneMaskValuePerGroup) {
  layers::Dropout d(0.5, {.noise_shape = {kUnknownDim, 1, 5}, .seed = 7});
  const Tensor y = Apply(d, Filled({4, 3, 5}, 1), /*training=*/true);
  int kept = 0;
  for (int n = 0; n < 4; ++n)
    for (int f = 0; f < 5; ++f) {
      const float v = y.data<float>()[n * 15 + f];
      EXPECT_TRUE(v == 0 || v == 2) << v;
      kept += v == 2;
      for (int t = 1; t < 3; ++t) EXPECT_EQ(y.data<float>()[n * 15 + t * 5 + f], v);
    }
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 20);
  EXPECT_TRUE(Apply(d, Filled({4, 3, 5}, 1), false).BitwiseEquals(Filled({4, 3, 5}, 1)));
  // Keras's config: None where the input's dimension is used.
  EXPECT_EQ(d.get_config()["noise_shape"], nlohmann::json::parse("[null, 1, 5]"));
  auto back = FromConfig("Dropout", d.get_config());
  EXPECT_EQ(back->get_config()["noise_shape"], d.get_config()["noise_shape"]);
  layers::Dropout wrong(0.5, {.noise_shape = {kUnknownDim, 2, 5}});
  EXPECT_NE(ErrorOf([&] {
              wrong.Build({kUnknownDim, 3, 5});
            }).find("does not broadcast"),
            std::string::npos);
}

TEST(SpatialDropout2D, DropsWholeFeatureMaps) {
  layers::SpatialDropout2D d(0.5, {.seed = 3});
  const Tensor y = Apply(d, Filled({2, 3, 3, 4}, 1), true);
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 4; ++c)
      for (int p = 1; p < 9; ++p)
        EXPECT_EQ(y.data<float>()[(n * 9 + p) * 4 + c], y.data<float>()[n * 36 + c]);
  layers::SpatialDropout2D first(0.5, {.data_format = "channels_first", .seed = 3});
  const Tensor z = Apply(first, Filled({2, 4, 3, 3}, 1), true);
  for (int nc = 0; nc < 8; ++nc)
    for (int p = 1; p < 9; ++p) EXPECT_EQ(z.data<float>()[nc * 9 + p], z.data<float>()[nc * 9]);
  EXPECT_EQ(d.name().rfind("spatial_dropout2d", 0), 0u) << d.name();
  EXPECT_EQ(FromConfig("SpatialDropout2D", first.get_config())->get_config()["data_format"],
            "channels_first");
  layers::SpatialDropout2D flat(0.5);
  EXPECT_NE(ErrorOf([&] { flat.Build({kUnknownDim, 8}); }).find("rank 4"), std::string::npos);
  EXPECT_NE(ErrorOf([] { layers::SpatialDropout2D(1.0); }).find("rate must be in [0, 1)"),
            std::string::npos);
}

// Mean and standard deviation of a tensor's elements.
std::pair<double, double> Moments(const Tensor& t) {
  double s = 0, sq = 0;
  const int64_t n = t.num_elements();
  for (int64_t i = 0; i < n; ++i) s += t.data<float>()[i];
  for (int64_t i = 0; i < n; ++i) sq += std::pow(t.data<float>()[i] - s / n, 2);
  return {s / n, std::sqrt(sq / n)};
}

TEST(GaussianNoise, AddsNoiseOfTheStddevInTrainingOnly) {
  layers::GaussianNoise noise(0.5, {.seed = 11});
  const Tensor x = Filled({100, 50}, 2);
  const auto [mean, sd] = Moments(Apply(noise, x, true));
  EXPECT_NEAR(mean, 2.0, 0.03);  // 5000 draws: the sample mean's stddev is 0.007
  EXPECT_NEAR(sd, 0.5, 0.02);
  EXPECT_TRUE(Apply(noise, x, false).BitwiseEquals(x));
  EXPECT_EQ(FromConfig("GaussianNoise", noise.get_config())->get_config(), noise.get_config());
  EXPECT_NE(Refusal("GaussianNoise", {{"name", "g"}, {"stddev", -1}}).find("stddev -1"),
            std::string::npos);
  layers::GaussianNoise grad(0.3, {.seed = 2});
  ExpectGradientsMatch(grad, {{3, 4}}, 1);
}

TEST(GaussianDropout, MultipliesByNoiseOfMeanOne) {
  layers::GaussianDropout drop(0.2, {.seed = 5});
  const Tensor x = Filled({100, 50}, 3);
  const auto [mean, sd] = Moments(Apply(drop, x, true));
  EXPECT_NEAR(mean, 3.0, 0.1);  // the sample mean of 5000 draws has stddev 0.021
  EXPECT_NEAR(sd, 3.0 * std::sqrt(0.2 / 0.8), 0.05);
  EXPECT_TRUE(Apply(drop, x, false).BitwiseEquals(x));
  EXPECT_EQ(FromConfig("GaussianDropout", drop.get_config())->get_config(), drop.get_config());
  EXPECT_NE(ErrorOf([] { layers::GaussianDropout(1.5); }).find("rate must be in [0, 1)"),
            std::string::npos);
}

TEST(Rescaling, ScalesAndOffsetsPerChannel) {
  layers::Rescaling r(1.0 / 127.5, {.offset = {-1}});
  const Tensor x = Tensor::FromVector<float>({0, 127.5, 255}, {1, 3});
  EXPECT_EQ(Apply(r, x, false).ToVector<float>(), (std::vector<float>{-1, 0, 1}));
  EXPECT_EQ(r.get_config()["scale"], 1.0 / 127.5);
  EXPECT_EQ(r.get_config()["offset"], -1.0);
  layers::Rescaling per({2, 10, 100});
  const Tensor px = Tensor::FromVector<float>({1, 1, 1, 2, 3, 4}, {1, 2, 3});
  EXPECT_EQ(Apply(per, px, false).ToVector<float>(), (std::vector<float>{2, 10, 100, 4, 30, 400}));
  EXPECT_EQ(FromConfig("Rescaling", per.get_config())->get_config(), per.get_config());
  EXPECT_NE(ErrorOf([&] {
              per.ComputeOutputShape({kUnknownDim, 4});
            }).find("one value per channel"),
            std::string::npos);
  EXPECT_NE(Refusal("Rescaling", {{"name", "r"}, {"scale", "half"}}).find("scale \"half\""),
            std::string::npos);
  ExpectGradientsMatch(per, {{2, 3}}, 4);
}

TEST(Normalization, GivenStatisticsAreConstants) {
  layers::Normalization n({.mean = {1, 2}, .variance = {4, 0}});
  const Tensor x = Tensor::FromVector<float>({3, 2, -1, 3}, {2, 2});
  // A zero variance divides by 1e-7, as Keras's maximum(sqrt(variance), epsilon).
  EXPECT_EQ(Apply(n, x, false).ToVector<float>(), (std::vector<float>{1, 0, -1, 1e7f}));
  EXPECT_EQ(n.count_params(), 0);
  auto back = FromConfig("Normalization", n.get_config());
  EXPECT_EQ(back->get_config(), n.get_config());
  layers::Normalization inv({.mean = {1, 2}, .variance = {4, 1}, .invert = true});
  EXPECT_EQ(Apply(inv, x, false).ToVector<float>(), (std::vector<float>{7, 4, -1, 5}));
  EXPECT_NE(
      ErrorOf([] { layers::Normalization({.mean = {1}}); }).find("both `mean` and `variance`"),
      std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              n.ComputeOutputShape({kUnknownDim, 3});
            }).find("has 3 features"),
            std::string::npos);
}

TEST(Normalization, AdaptSetsTheWeightsKerasSaves) {
  // Features on the last axis: channel 0 = 1, 3, 5, 7 (mean 4, variance 5), channel 1 = 2 x 4.
  layers::Normalization n;
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 2, 5, 2, 7, 2}, {2, 2, 2});
  n.adapt(x);
  ASSERT_EQ(n.weights().size(), 3u);
  EXPECT_EQ(n.weights()[0].name, "mean");
  EXPECT_EQ(n.weights()[0].value.ToVector<float>(), (std::vector<float>{4, 2}));
  EXPECT_EQ(n.weights()[1].value.ToVector<float>(), (std::vector<float>{5, 0}));
  EXPECT_EQ(n.weights()[2].value.item<int64_t>(), 4);
  EXPECT_EQ(n.count_params(), 5);
  const Tensor y = Apply(n, x, false);
  EXPECT_NEAR(y.data<float>()[0], -3 / std::sqrt(5.0), 1e-6);
  // Two kept axes: one statistic per (row, channel).
  layers::Normalization both({.axis = {1, -1}});
  both.adapt(x);
  EXPECT_EQ(both.weights()[0].value.shape(), (Shape{2, 2}));
  EXPECT_EQ(both.weights()[0].value.ToVector<float>(), (std::vector<float>{3, 2, 5, 2}));
  EXPECT_EQ(both.get_config()["axis"], nlohmann::json::parse("[1, -1]"));
  layers::Normalization batch_axis({.axis = {0}});
  EXPECT_NE(ErrorOf([&] {
              batch_axis.Build({kUnknownDim, 3});
            }).find("not the batch axis"),
            std::string::npos);
  layers::Normalization given({.mean = {0}, .variance = {1}});
  EXPECT_NE(ErrorOf([&] { given.adapt(x); }).find("given its mean"), std::string::npos);
  n.weights()[1].value.data<float>()[1] = 2;  // keep the finite-difference step away from 1e-7
  ExpectGradientsMatch(n, {{3, 2, 2}}, 6);
}

}  // namespace
}  // namespace kiln::keras
