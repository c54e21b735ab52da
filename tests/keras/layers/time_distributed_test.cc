// TimeDistributed: the wrapped layer on every step with one set of weights (the same as calling
// it on each step alone), Keras's config with the wrapped layer inside, refusals of what it
// cannot wrap yet, and gradients. (Its real-Keras fixture is functional-time-distributed.)
#include <gtest/gtest.h>

#include <random>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;
constexpr int64_t N = kUnknownDim;

TEST(TimeDistributed, AppliesTheLayerToEveryStep) {
  auto dense = std::make_shared<layers::Dense>(2, layers::DenseOptions{.activation = "tanh"});
  layers::TimeDistributed td(LayerRef(dense), {.name = "td"});
  EXPECT_EQ(td.ComputeOutputShape({N, 4, 3}), (Shape{N, 4, 2}));
  std::mt19937 rng(1);
  const Tensor x = testing::RandomTensor(kFloat32, {2, 4, 3}, rng);
  const std::vector<float> y = Apply(td, x).ToVector<float>();
  ASSERT_EQ(td.weights().size(), 2u);  // the Dense's kernel and bias, shared
  EXPECT_EQ(td.weights()[0].value.shape(), (Shape{3, 2}));
  for (int64_t t = 0; t < 4; ++t) {
    std::vector<float> step;
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t j = 0; j < 3; ++j) step.push_back(x.data<float>()[(n * 4 + t) * 3 + j]);
    const std::vector<float> alone =
        Apply(*dense, Tensor::FromVector<float>(step, {2, 3})).ToVector<float>();
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t k = 0; k < 2; ++k)
        EXPECT_FLOAT_EQ(y[(n * 4 + t) * 2 + k], alone[n * 2 + k]) << t;
  }
  ExpectGradientsMatch(td, {{2, 4, 3}}, 2);
}

TEST(TimeDistributed, ConvolutionsOverFramesAndConfig) {
  layers::TimeDistributed td(layers::Conv2D(3, {3, 3}, {.padding = "same"}), {.name = "frames"});
  EXPECT_EQ(td.ComputeOutputShape({N, 5, 8, 8, 1}), (Shape{N, 5, 8, 8, 3}));
  const nlohmann::json c = td.get_config();
  EXPECT_EQ(c["layer"]["class_name"], "Conv2D");
  EXPECT_EQ(c["layer"]["module"], "keras.layers");  // Keras 3 finds the class by it
  EXPECT_EQ(c["layer"]["config"]["filters"], 3);
  auto back = FromConfig("TimeDistributed", c);
  EXPECT_EQ(back->ComputeOutputShape({N, 5, 8, 8, 1}), (Shape{N, 5, 8, 8, 3}));
  EXPECT_EQ(back->get_config()["layer"], c["layer"]);
  nlohmann::json unknown = c;
  unknown["layer"]["class_name"] = "ConvLSTM2D";
  EXPECT_TRUE(Contains(Refusal("TimeDistributed", unknown), "the wrapped layer ConvLSTM2D"));
  ExpectGradientsMatch(td, {{1, 2, 4, 4, 1}}, 3);
}

TEST(TimeDistributed, RefusesWhatItCannotWrapYet) {
  layers::TimeDistributed dropout(layers::Dropout(0.5), {.name = "td_drop"});
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         dropout.Build(Shape{N, 4, 3});
                       }),
                       "TimeDistributed 'td_drop': wrapping Dropout"));
  layers::TimeDistributed regularized(layers::Dense(2, {.kernel_regularizer = "l2"}),
                                      {.name = "td_l2"});
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         regularized.Build(Shape{N, 4, 3});
                       }),
                       "the kernel_regularizer of Dense"));
  layers::TimeDistributed flat(layers::Dense(2));
  EXPECT_TRUE(Contains(ErrorOf([&] { flat.Build(Shape{N, 3}); }), "rank 3 or more"));
}

}  // namespace
}  // namespace kiln::keras
