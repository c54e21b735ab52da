// LayerNormalization, PReLU and ELU: values against hand computations, weight shapes as Keras
// stores them, configs both ways (tf.keras's and Keras 3's forms), errors naming the layer, and
// gradients against finite differences. (Their real-Keras fixture is functional-vision-layers,
// checked by functional_fixtures_test.)
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;
constexpr int64_t N = kUnknownDim;

TEST(LayerNormalization, NormalizesEachExampleOverItsAxes) {
  // Row (1, 2, 3, 6): mean 3, variance 3.5.
  layers::LayerNormalization ln({.epsilon = 0.5});
  ln.Build(Shape{N, 4});
  ASSERT_EQ(ln.weights().size(), 2u);
  EXPECT_EQ(ln.weights()[0].name, "gamma");
  EXPECT_EQ(ln.weights()[1].name, "beta");
  ln.weights()[0].value = Tensor::FromVector<float>({1, 2, 1, 1}, {4});
  ln.weights()[1].value = Tensor::FromVector<float>({0, 0, 0, 10}, {4});
  const std::vector<float> y =
      Apply(ln, Tensor::FromVector<float>({1, 2, 3, 6, 5, 5, 5, 5}, {2, 4})).ToVector<float>();
  const float s = 1 / std::sqrt(4.f);  // 1 / sqrt(3.5 + 0.5)
  const std::vector<float> want = {-2 * s, -2 * s, 0, 3 * s + 10, 0, 0, 0, 10};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(y[i], want[i], 1e-6) << i;

  // Over (h, w, c) of an image: gamma and beta (h, w, c); each example mean 0, variance ~1.
  layers::LayerNormalization all({.axis = {1, 2, -1}, .epsilon = 1e-6});
  std::mt19937 rng(2);
  const Tensor x = testing::RandomTensor(kFloat32, {3, 2, 4, 5}, rng, -3, 5);
  const std::vector<float> z = Apply(all, x).ToVector<float>();
  EXPECT_EQ(all.weights()[0].value.shape(), (Shape{2, 4, 5}));
  for (int n = 0; n < 3; ++n) {
    double mean = 0, sq = 0;
    for (int i = 0; i < 40; ++i) mean += z[n * 40 + i] / 40.0;
    for (int i = 0; i < 40; ++i) sq += (z[n * 40 + i] - mean) * (z[n * 40 + i] - mean) / 40.0;
    EXPECT_NEAR(mean, 0, 1e-5);
    EXPECT_NEAR(sq, 1, 1e-4);
  }
  layers::LayerNormalization channels({.axis = {1}, .center = false});
  channels.Build(Shape{N, 3, 4});
  EXPECT_EQ(channels.weights().size(), 1u);
  EXPECT_EQ(channels.weights()[0].value.shape(), (Shape{3}));
  ExpectGradientsMatch(channels, {{2, 3, 4}}, 3);
  layers::LayerNormalization grad({.axis = {1, 2}});
  grad.Build(Shape{N, 2, 3});
  grad.weights()[0].value = testing::RandomTensor(kFloat32, {2, 3}, rng);
  grad.weights()[1].value = testing::RandomTensor(kFloat32, {2, 3}, rng);
  ExpectGradientsMatch(grad, {{2, 2, 3}}, 4);
}

TEST(LayerNormalization, ConfigsAndErrors) {
  layers::LayerNormalization ln({.axis = {1, 2}, .epsilon = 1e-5, .name = "ln"});
  const nlohmann::json c = ln.get_config();
  EXPECT_EQ(c["axis"], nlohmann::json::parse("[1, 2]"));
  EXPECT_EQ(c["gamma_initializer"]["class_name"], "Ones");
  EXPECT_EQ(FromConfig("LayerNormalization", c)->get_config(), c);
  nlohmann::json tf_keras = c;
  tf_keras["axis"] = -1;  // tf.keras writes one axis as an int
  tf_keras.erase("rms_scaling");
  auto one = FromConfig("LayerNormalization", tf_keras);
  EXPECT_EQ(one->get_config()["axis"], nlohmann::json::parse("[-1]"));
  nlohmann::json rms = c;
  rms["rms_scaling"] = true;
  EXPECT_TRUE(Contains(Refusal("LayerNormalization", rms), "LayerNormalization 'ln': rms_scaling"));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::LayerNormalization({.epsilon = 0}); }),
                       "epsilon must be positive"));
  layers::LayerNormalization batch({.axis = {0}, .name = "b"});
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         batch.Build(Shape{N, 4});
                       }),
                       "axis 0 is not a feature axis of an input of rank 2"));
  layers::LayerNormalization twice({.axis = {1, -1}});
  EXPECT_TRUE(Contains(ErrorOf([&] { twice.Build(Shape{N, 4}); }), "same axis twice"));
}

TEST(PReLU, LearnedSlopeBelowZero) {
  layers::PReLU p({.shared_axes = {1, 2}});
  p.Build(Shape{N, 2, 2, 3});
  ASSERT_EQ(p.weights().size(), 1u);
  EXPECT_EQ(p.weights()[0].name, "alpha");
  EXPECT_EQ(p.weights()[0].value.shape(), (Shape{1, 1, 3}));
  EXPECT_EQ(p.weights()[0].value.ToVector<float>(), (std::vector<float>{0, 0, 0}));  // zeros
  p.weights()[0].value = Tensor::FromVector<float>({0.5f, -1, 2}, {1, 1, 3});
  std::vector<float> px;
  for (int i = 0; i < 4; ++i) px.insert(px.end(), {-2, -2, 3});
  const std::vector<float> y =
      Apply(p, Tensor::FromVector<float>(px, {1, 2, 2, 3})).ToVector<float>();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(std::vector<float>(y.begin() + 3 * i, y.begin() + 3 * i + 3),
              (std::vector<float>{-1, 2, 3}));
  layers::PReLU full;
  full.Build(Shape{N, 4, 5});
  EXPECT_EQ(full.weights()[0].value.shape(), (Shape{4, 5}));
  std::mt19937 rng(5);
  full.weights()[0].value = testing::RandomTensor(kFloat32, {4, 5}, rng);
  ExpectGradientsMatch(full, {{2, 4, 5}}, 6, -2, 2, {0.0});
  const nlohmann::json c = p.get_config();
  EXPECT_EQ(c["shared_axes"], nlohmann::json::parse("[1, 2]"));
  EXPECT_TRUE(full.get_config()["shared_axes"].is_null());
  EXPECT_EQ(FromConfig("PReLU", c)->get_config(), c);
  nlohmann::json bad = c;
  bad["shared_axes"] = "all";
  EXPECT_TRUE(Contains(Refusal("PReLU", bad), "shared_axes \"all\""));
  layers::PReLU out_of_range({.shared_axes = {3}});
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         out_of_range.Build(Shape{N, 4, 5});
                       }),
                       "shared axis 3 is not an axis"));
}

TEST(ELU, ValuesConfigAndGradient) {
  layers::ELU elu({.alpha = 0.5});
  const std::vector<float> y =
      Apply(elu, Tensor::FromVector<float>({-1, 0, 2}, {1, 3})).ToVector<float>();
  EXPECT_NEAR(y[0], 0.5 * (std::exp(-1.0) - 1), 1e-7);
  EXPECT_EQ(y[1], 0);
  EXPECT_EQ(y[2], 2);
  EXPECT_EQ(elu.get_config()["alpha"], 0.5);
  EXPECT_EQ(FromConfig("ELU", elu.get_config())->get_config(), elu.get_config());
  EXPECT_TRUE(Contains(Refusal("ELU", {{"name", "e"}, {"alpha", "x"}}), "ELU 'e': alpha"));
  ExpectGradientsMatch(elu, {{2, 3}}, 7, -2, 2, {0.0});
}

}  // namespace
}  // namespace kiln::keras
