// GlobalAveragePooling2D, GlobalMaxPooling2D, Reshape, ReLU and LeakyReLU: shapes as Keras
// computes them, values against hand computations, configs both ways, Keras's errors, and
// gradients against finite differences. (Their real-Keras fixture is
// functional-vision-basics, checked by functional_fixtures_test.)
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "keras/layers/layer_registry.h"
#include "tests/keras/layers/layer_gradient.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

// The layer alone on x.
Tensor Apply(Layer& layer, const Tensor& x) {
  Graph g;
  GraphBuilder b(g);
  ValueRef in = b.Placeholder("x", x.dtype(), BatchedShape(x.shape()));
  layer.Build(BatchedShape(x.shape()));
  ValueRef y = layer.Call(b, in, {});
  Executor e(g, {y}, {}, nullptr);
  return e.Run({{in, x}})[0];
}

TEST(GlobalPooling2D, ShapesValuesAndConfig) {
  // (1, 2, 2, 2): channel 0 = 1, 2, 3, 4; channel 1 = -1, 5, 0, 2.
  const Tensor x = Tensor::FromVector<float>({1, -1, 2, 5, 3, 0, 4, 2}, {1, 2, 2, 2});
  layers::GlobalAveragePooling2D avg;
  EXPECT_EQ(avg.ComputeOutputShape({kUnknownDim, 7, 5, 3}), (Shape{kUnknownDim, 3}));
  EXPECT_EQ(Apply(avg, x).ToVector<float>(), (std::vector<float>{2.5f, 1.5f}));
  layers::GlobalMaxPooling2D mx({.keepdims = true});
  EXPECT_EQ(mx.ComputeOutputShape({kUnknownDim, 7, 5, 3}), (Shape{kUnknownDim, 1, 1, 3}));
  EXPECT_EQ(Apply(mx, x).ToVector<float>(), (std::vector<float>{4, 5}));
  layers::GlobalMaxPooling2D cf({.data_format = "channels_first"});
  EXPECT_EQ(cf.ComputeOutputShape({kUnknownDim, 3, 7, 5}), (Shape{kUnknownDim, 3}));
  // channels_first: the two channels are the rows (1, -1, 2, 5) and (3, 0, 4, 2).
  EXPECT_EQ(Apply(cf, x.Reshaped({1, 2, 2, 2})).ToVector<float>(), (std::vector<float>{5, 4}));
  EXPECT_EQ(mx.get_config()["keepdims"], true);
  std::vector<std::string> unsupported;
  auto back = (*FindLayerFactory("GlobalMaxPooling2D"))(mx.get_config(), unsupported);
  ASSERT_TRUE(back) << unsupported[0];
  EXPECT_EQ(back->ComputeOutputShape({kUnknownDim, 4, 4, 2}), (Shape{kUnknownDim, 1, 1, 2}));
  EXPECT_NE(ErrorOf([&] {
              avg.ComputeOutputShape({kUnknownDim, 4, 2});
            }).find("4D input"),
            std::string::npos);
  EXPECT_THROW(layers::GlobalAveragePooling2D({.data_format = "nhwc"}), ValueError);
  ExpectGradientsMatch(avg, {{2, 3, 2, 4}}, 1);
  layers::GlobalMaxPooling2D mx2;
  ExpectGradientsMatch(mx2, {{2, 3, 2, 4}}, 2);
}

TEST(Reshape, InfersOneDimensionAndRefusesWrongSizes) {
  layers::Reshape r({-1, 4}, {.name = "r"});
  EXPECT_EQ(r.ComputeOutputShape({kUnknownDim, 6, 6, 4}), (Shape{kUnknownDim, 36, 4}));
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 4});
  layers::Reshape flat({8});
  EXPECT_EQ(Apply(flat, x).shape(), (Shape{1, 8}));
  EXPECT_EQ(Apply(flat, x).ToVector<float>(), x.ToVector<float>());
  EXPECT_NE(ErrorOf([&] {
              r.ComputeOutputShape({kUnknownDim, 3, 3});
            }).find("Reshape 'r': total size of the new array must be unchanged"),
            std::string::npos);
  EXPECT_THROW(layers::Reshape({-1, -1}), ValueError);
  EXPECT_EQ(r.get_config()["target_shape"], nlohmann::json::parse("[-1, 4]"));
  std::vector<std::string> unsupported;
  EXPECT_FALSE((*FindLayerFactory("Reshape"))(
      nlohmann::json{{"name", "bad"}, {"target_shape", "x"}}, unsupported));
  EXPECT_EQ(unsupported.size(), 1u);
  ExpectGradientsMatch(r, {{2, 2, 4}}, 3);
}

TEST(Rectifiers, KerasFormulaPieceByPiece) {
  const Tensor x = Tensor::FromVector<float>({-2, -0.5f, 0, 0.2f, 0.5f, 1, 3, 8}, {1, 8});
  layers::ReLU relu6({.max_value = 6.0});
  EXPECT_EQ(Apply(relu6, x).ToVector<float>(), (std::vector<float>{0, 0, 0, 0.2f, 0.5f, 1, 3, 6}));
  layers::LeakyReLU leaky({.alpha = 0.2});
  EXPECT_EQ(Apply(leaky, x).ToVector<float>(),
            (std::vector<float>{-0.4f, -0.1f, 0, 0.2f, 0.5f, 1, 3, 8}));
  // max 1.5, slope 0.1 below threshold 0.25: 0.1 * (x - 0.25).
  layers::ReLU general({.max_value = 1.5, .negative_slope = 0.1, .threshold = 0.25});
  const std::vector<float> got = Apply(general, x).ToVector<float>();
  const std::vector<double> want = {-0.225, -0.075, -0.025, -0.005, 0.5, 1, 1.5, 1.5};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-7) << i;
  EXPECT_THROW(layers::ReLU({.max_value = -1.0}), ValueError);
  EXPECT_THROW(layers::LeakyReLU({.alpha = -0.1}), ValueError);
  // tf.keras writes alpha, Keras 3 negative_slope: both load.
  std::vector<std::string> unsupported;
  auto k3 = (*FindLayerFactory("LeakyReLU"))(nlohmann::json{{"name", "l"}, {"negative_slope", 0.2}},
                                             unsupported);
  EXPECT_EQ(Apply(*k3, x).ToVector<float>(), Apply(leaky, x).ToVector<float>());
  auto back = (*FindLayerFactory("ReLU"))(general.get_config(), unsupported);
  EXPECT_TRUE(unsupported.empty());
  EXPECT_EQ(Apply(*back, x).ToVector<float>(), got);
  // Gradients away from the kinks (0, the threshold, max_value).
  ExpectGradientsMatch(relu6, {{3, 5}}, 4, -3, 9, {0, 6});
  ExpectGradientsMatch(leaky, {{3, 5}}, 5, -3, 3, {0});
  ExpectGradientsMatch(general, {{3, 5}}, 6, -3, 3, {0.25, 1.5});
}

}  // namespace
}  // namespace kiln::keras
