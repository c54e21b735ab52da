// GlobalAveragePooling2D, GlobalMaxPooling2D, Reshape, ReLU, LeakyReLU, DepthwiseConv2D,
// ZeroPadding2D and Conv2D's groups: shapes as Keras computes them, values against hand
// computations, configs both ways, Keras's errors, and gradients against finite differences.
// (Their real-Keras fixture is functional-vision-basics, checked by functional_fixtures_test.)
#include <gtest/gtest.h>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

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

TEST(DepthwiseConv2D, EachChannelItsOwnFilters) {
  // One 3x3 image, two channels (channel 0 = 1..9, channel 1 = 10 * that), multiplier 2.
  std::vector<float> px;
  for (int i = 1; i <= 9; ++i) px.insert(px.end(), {float(i), 10.f * i});
  const Tensor x = Tensor::FromVector<float>(px, {1, 3, 3, 2});
  layers::DepthwiseConv2D dw({2, 2}, {.depth_multiplier = 2, .name = "dw"});
  EXPECT_EQ(dw.ComputeOutputShape({kUnknownDim, 3, 3, 2}), (Shape{kUnknownDim, 2, 2, 4}));
  dw.Build(Shape{kUnknownDim, 3, 3, 2});
  ASSERT_EQ(dw.weights().size(), 2u);
  EXPECT_EQ(dw.weights()[0].name, "depthwise_kernel");
  EXPECT_EQ(dw.weights()[0].value.shape(), (Shape{2, 2, 2, 2}));
  EXPECT_EQ(dw.count_params(), 16 + 4);
  // Filter m of channel c: all ones times (m + 1), bias c * 2 + m.
  std::vector<float> k;
  for (int tap = 0; tap < 4; ++tap) k.insert(k.end(), {1, 2, 1, 2});
  dw.weights()[0].value = Tensor::FromVector<float>(k, {2, 2, 2, 2});
  dw.weights()[1].value = Tensor::FromVector<float>({0, 1, 2, 3}, {4});
  // Window sums of channel 0: 12, 16, 24, 28.
  const std::vector<float> want = {12, 25, 122, 243, 16, 33, 162, 323,
                                   24, 49, 242, 483, 28, 57, 282, 563};
  EXPECT_EQ(Apply(dw, x).ToVector<float>(), want);
  std::vector<std::string> unsupported;
  auto back = (*FindLayerFactory("DepthwiseConv2D"))(dw.get_config(), unsupported);
  ASSERT_TRUE(back) << unsupported[0];
  EXPECT_EQ(back->get_config(), dw.get_config());
  EXPECT_NE(ErrorOf([] {
              layers::DepthwiseConv2D({3, 3}, {.depth_multiplier = 0});
            }).find("depth_multiplier must be positive"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              layers::DepthwiseConv2D({3, 3, 3});
            }).find("kernel_size must be two"),
            std::string::npos);
  EXPECT_FALSE((*FindLayerFactory("DepthwiseConv2D"))(
      nlohmann::json{{"name", "bad"}, {"kernel_size", "x"}}, unsupported));
  layers::DepthwiseConv2D strided(
      {3, 3},
      {.strides = {2, 2}, .padding = "same", .depth_multiplier = 2, .dilation_rate = {1, 1}});
  ExpectGradientsMatch(strided, {{2, 5, 4, 3}}, 7);
  layers::DepthwiseConv2D dilated({2, 2},
                                  {.data_format = "channels_first", .dilation_rate = {2, 2}});
  ExpectGradientsMatch(dilated, {{2, 2, 5, 5}}, 8);
}

TEST(ZeroPadding2D, PadsRowsAndColumnsInEitherFormat) {
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1});
  layers::ZeroPadding2D pad({.padding = {{{0, 1}, {2, 0}}}});
  EXPECT_EQ(pad.ComputeOutputShape({kUnknownDim, 2, 2, 1}), (Shape{kUnknownDim, 3, 4, 1}));
  EXPECT_EQ(Apply(pad, x).ToVector<float>(),
            (std::vector<float>{0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0}));
  layers::ZeroPadding2D cf({.padding = {{{1, 0}, {0, 0}}}, .data_format = "channels_first"});
  EXPECT_EQ(cf.ComputeOutputShape({kUnknownDim, 1, 2, 2}), (Shape{kUnknownDim, 1, 3, 2}));
  EXPECT_EQ(Apply(cf, x.Reshaped({1, 1, 2, 2})).ToVector<float>(),
            (std::vector<float>{0, 0, 1, 2, 3, 4}));
  // Keras saves ((top, bottom), (left, right)); an int and a symmetric pair load too.
  EXPECT_EQ(pad.get_config()["padding"], nlohmann::json::parse("[[0, 1], [2, 0]]"));
  std::vector<std::string> unsupported;
  for (const char* p : {"1", "[1, 1]", "[[1, 1], [1, 1]]"}) {
    auto l = (*FindLayerFactory("ZeroPadding2D"))(
        nlohmann::json{{"name", "p"}, {"padding", nlohmann::json::parse(p)}}, unsupported);
    ASSERT_TRUE(l) << p;
    EXPECT_EQ(l->ComputeOutputShape({kUnknownDim, 2, 2, 1}), (Shape{kUnknownDim, 4, 4, 1})) << p;
  }
  EXPECT_FALSE((*FindLayerFactory("ZeroPadding2D"))(
      nlohmann::json{{"name", "p"}, {"padding", "[1]"}}, unsupported));
  EXPECT_NE(ErrorOf([] {
              layers::ZeroPadding2D({.padding = {{{-1, 0}, {0, 0}}}});
            }).find("padding must be between 0"),
            std::string::npos);
  ExpectGradientsMatch(pad, {{2, 3, 2, 2}}, 9);
}

TEST(AveragePooling2D, SameWindowsAverageOnlyPixelsInside) {
  // 3x3 image 1..9, 2x2 pools with stride 2, "same": windows {1,2,4,5}, {3,6}, {7,8}, {9}.
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  layers::AveragePooling2D same({.padding = "same"});
  EXPECT_EQ(same.ComputeOutputShape({kUnknownDim, 3, 3, 1}), (Shape{kUnknownDim, 2, 2, 1}));
  EXPECT_EQ(Apply(same, x).ToVector<float>(), (std::vector<float>{3, 4.5f, 7.5f, 9}));
  layers::AveragePooling2D valid({.pool_size = {2, 3}, .strides = {1, 1}});
  EXPECT_EQ(Apply(valid, x).ToVector<float>(), (std::vector<float>{3.5f, 6.5f}));
  std::vector<std::string> unsupported;
  auto back = (*FindLayerFactory("AveragePooling2D"))(same.get_config(), unsupported);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->class_name(), "AveragePooling2D");
  EXPECT_EQ(back->get_config(), same.get_config());
  EXPECT_NE(ErrorOf([] {
              layers::AveragePooling2D({.pool_size = {0, 2}});
            }).find("AveragePooling2D 'average_pooling2d"),
            std::string::npos);
  layers::AveragePooling2D strided(
      {.pool_size = {3, 3}, .strides = {2, 2}, .padding = "same", .data_format = "channels_first"});
  ExpectGradientsMatch(strided, {{2, 2, 5, 6}}, 12);
}

TEST(Conv2D, GroupsConvolveChannelGroupsApart) {
  // groups = 2 equals two convolutions on the channel halves, concatenated.
  std::mt19937 rng(10);
  const Tensor x = testing::RandomTensor(kFloat32, {2, 5, 5, 4}, rng);
  layers::Conv2D grouped(6, {3, 3}, {.dilation_rate = {2, 1}, .groups = 2, .use_bias = false});
  grouped.Build(Shape{kUnknownDim, 5, 5, 4});
  const Tensor kernel = grouped.weights()[0].value;
  EXPECT_EQ(kernel.shape(), (Shape{3, 3, 2, 6}));
  const Tensor y = Apply(grouped, x);
  EXPECT_EQ(y.shape(), (Shape{2, 1, 3, 6}));
  for (int g = 0; g < 2; ++g) {
    layers::Conv2D half(3, {3, 3}, {.dilation_rate = {2, 1}, .use_bias = false});
    half.Build(Shape{kUnknownDim, 5, 5, 2});
    std::vector<float> k, xs;
    const std::vector<float> all = kernel.ToVector<float>(), px = x.ToVector<float>();
    for (size_t i = 0; i < all.size(); ++i)
      if (static_cast<int>(i % 6) / 3 == g) k.push_back(all[i]);
    for (size_t i = 0; i < px.size(); ++i)
      if (static_cast<int>(i % 4) / 2 == g) xs.push_back(px[i]);
    half.weights()[0].value = Tensor::FromVector<float>(k, {3, 3, 2, 3});
    const std::vector<float> part =
        Apply(half, Tensor::FromVector<float>(xs, {2, 5, 5, 2})).ToVector<float>();
    const std::vector<float> whole = y.ToVector<float>();
    for (size_t i = 0; i < part.size(); ++i)
      EXPECT_NEAR(whole[i / 3 * 6 + g * 3 + i % 3], part[i], 1e-5) << g << " " << i;
  }
  EXPECT_EQ(grouped.get_config()["groups"], 2);
  EXPECT_EQ(grouped.get_config()["dilation_rate"], nlohmann::json::parse("[2, 1]"));
  EXPECT_NE(ErrorOf([] {
              layers::Conv2D(5, {3, 3}, {.groups = 2});
            }).find("groups must be a positive divisor"),
            std::string::npos);
  layers::Conv2D odd(4, {3, 3}, {.groups = 2});
  EXPECT_NE(ErrorOf([&] {
              odd.Build(Shape{kUnknownDim, 5, 5, 3});
            }).find("do not split into 2 groups"),
            std::string::npos);
  ExpectGradientsMatch(grouped, {{1, 5, 5, 4}}, 11);
}

// Keras's Conv2D(32, 3), strides=2, MaxPooling2D(2), UpSampling2D(3): one integer for both
// spatial dimensions, in the configs as Keras writes them.
TEST(IntOrPair, OneIntegerIsASquareWindow) {
  EXPECT_EQ(layers::IntOrPair(3), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(layers::IntOrPair({3}), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(layers::IntOrPair({3, 1}), (std::vector<int64_t>{3, 1}));
  layers::Conv2D conv(4, 3, {.strides = 2, .padding = "same", .activation = "relu"});
  EXPECT_EQ(conv.get_config()["kernel_size"], nlohmann::json({3, 3}));
  EXPECT_EQ(conv.get_config()["strides"], nlohmann::json({2, 2}));
  EXPECT_EQ(conv.get_config()["activation"], "relu");
  EXPECT_EQ(conv.ComputeOutputShape({kUnknownDim, 9, 9, 1}), (Shape{kUnknownDim, 5, 5, 4}));
  layers::Conv2D tall(4, {3, 1});
  EXPECT_EQ(tall.ComputeOutputShape({kUnknownDim, 9, 9, 1}), (Shape{kUnknownDim, 7, 9, 4}));
  layers::MaxPooling2D pool(2);
  EXPECT_EQ(pool.get_config()["pool_size"], nlohmann::json({2, 2}));
  EXPECT_EQ(pool.ComputeOutputShape({kUnknownDim, 9, 8, 3}), (Shape{kUnknownDim, 4, 4, 3}));
  layers::AveragePooling2D avg(3, {.strides = 1, .padding = "same"});
  EXPECT_EQ(avg.ComputeOutputShape({kUnknownDim, 9, 8, 3}), (Shape{kUnknownDim, 9, 8, 3}));
  layers::UpSampling2D up(3);
  EXPECT_EQ(up.ComputeOutputShape({kUnknownDim, 2, 5, 3}), (Shape{kUnknownDim, 6, 15, 3}));
  layers::Conv2DTranspose deconv(2, 3, {.strides = 2, .output_padding = 1});
  EXPECT_EQ(deconv.ComputeOutputShape({kUnknownDim, 4, 4, 1}), (Shape{kUnknownDim, 10, 10, 2}));
  layers::MaxPooling1D pool1d(3);
  EXPECT_EQ(pool1d.ComputeOutputShape({kUnknownDim, 9, 2}), (Shape{kUnknownDim, 3, 2}));
  EXPECT_NE(ErrorOf([] { layers::Conv2D(4, {3, 3, 3}); }).find("kernel_size"), std::string::npos);
}

}  // namespace
}  // namespace kiln::keras
