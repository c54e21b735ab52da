// Conv2DTranspose, SeparableConv2D, Conv1D, the 1D poolings and global poolings: shapes as
// Keras's formulas give them, values against hand computations, configs both ways, errors naming
// the layer, and gradients against finite differences. (Their real-Keras fixtures are
// functional-vision-layers and functional-sequence-conv, checked by functional_fixtures_test.)
#include <gtest/gtest.h>

#include <random>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;
constexpr int64_t N = kUnknownDim;

void ExpectValues(const Tensor& t, const std::vector<float>& want) {
  const std::vector<float> got = t.ToVector<float>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << i;
}

TEST(Conv2DTranspose, OutputSizeIsKerasDeconvOutputLength) {
  auto shape = [](layers::Conv2DTransposeOptions o, std::vector<int64_t> k = {3, 3}) {
    return layers::Conv2DTranspose(4, k, o).ComputeOutputShape({N, 5, 7, 3});
  };
  EXPECT_EQ(shape({.strides = {2, 2}, .padding = "same"}), (Shape{N, 10, 14, 4}));
  // valid: in * s + max(k - s, 0).
  EXPECT_EQ(shape({.strides = {2, 3}}), (Shape{N, 11, 21, 4}));
  EXPECT_EQ(shape({}, {1, 1}), (Shape{N, 5, 7, 4}));
  // output_padding: (in - 1) * s + k - 2 * (k / 2 for same) + p.
  EXPECT_EQ(shape({.strides = {2, 2}, .padding = "same", .output_padding = {{1, 0}}}),
            (Shape{N, 10, 13, 4}));
  EXPECT_EQ(shape({.strides = {3, 3}, .output_padding = {{2, 1}}}), (Shape{N, 17, 22, 4}));
  // dilation 2 makes a 2-tap kernel reach 3 pixels.
  EXPECT_EQ(shape({.dilation_rate = {2, 2}}, {2, 2}), (Shape{N, 7, 9, 4}));
  layers::Conv2DTranspose cf(4, {3, 3}, {.strides = {2, 2}, .data_format = "channels_first"});
  EXPECT_EQ(cf.ComputeOutputShape({N, 3, 5, 7}), (Shape{N, 4, 11, 15}));
}

TEST(Conv2DTranspose, StridedOneByOneKernelSpreadsPixelsApart) {
  // A 1x1 kernel with stride 2 puts x[i, j] * w at (2i, 2j) and only the bias elsewhere.
  layers::Conv2DTranspose up(1, {1, 1}, {.strides = {2, 2}});
  const Tensor x = Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1});
  up.Build(Shape{N, 2, 2, 1});
  ASSERT_EQ(up.weights()[0].value.shape(), (Shape{1, 1, 1, 1}));
  up.weights()[0].value = Tensor::FromVector<float>({10}, {1, 1, 1, 1});
  up.weights()[1].value = Tensor::FromVector<float>({0.5f}, {1});
  EXPECT_EQ(Apply(up, x).ToVector<float>(),
            (std::vector<float>{10.5f, 0.5f, 20.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,  //
                                30.5f, 0.5f, 40.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}));
}

TEST(Conv2DTranspose, IsTheAdjointOfConv2DWithTheSameKernel) {
  // <conv_transpose(x, K), y> = <x, conv2d(y, K)>, K read as Conv2D's (kh, kw, in, out).
  std::mt19937 rng(3);
  for (const char* padding : {"same", "valid"}) {
    layers::Conv2DTranspose t(3, {3, 2},
                              {.strides = {2, 2}, .padding = padding, .use_bias = false});
    const Tensor x = testing::RandomTensor(kFloat32, {2, 4, 4, 5}, rng);
    const Tensor tx = Apply(t, x);
    const Tensor y = testing::RandomTensor(kFloat32, tx.shape(), rng);
    layers::Conv2D c(5, {3, 2}, {.strides = {2, 2}, .padding = padding, .use_bias = false});
    c.Build(BatchedShape(y.shape()));
    c.weights()[0].value = t.weights()[0].value.Clone();
    const Tensor cy = Apply(c, y);
    ASSERT_EQ(cy.shape(), x.shape()) << padding;
    double lhs = 0, rhs = 0;
    for (int64_t i = 0; i < y.num_elements(); ++i) lhs += tx.data<float>()[i] * y.data<float>()[i];
    for (int64_t i = 0; i < x.num_elements(); ++i) rhs += x.data<float>()[i] * cy.data<float>()[i];
    EXPECT_NEAR(lhs, rhs, 1e-3 * std::abs(lhs)) << padding;
  }
}

TEST(Conv2DTranspose, ConfigErrorsAndGradients) {
  layers::Conv2DTranspose t(
      2, {3, 3}, {.strides = {2, 2}, .padding = "same", .output_padding = {{1, 1}}, .name = "up"});
  const nlohmann::json c = t.get_config();
  EXPECT_EQ(c["output_padding"], nlohmann::json::parse("[1, 1]"));
  EXPECT_EQ(c["kernel_size"], nlohmann::json::parse("[3, 3]"));
  auto back = FromConfig("Conv2DTranspose", c);
  EXPECT_EQ(back->get_config(), c);
  nlohmann::json keras2 = c;
  keras2["output_padding"] = nullptr;
  EXPECT_EQ(FromConfig("Conv2DTranspose", keras2)->ComputeOutputShape({N, 4, 4, 1}),
            (Shape{N, 8, 8, 2}));
  EXPECT_TRUE(
      Contains(ErrorOf([] {
                 layers::Conv2DTranspose(2, {3, 3}, {.output_padding = {{1, 0}}, .name = "u"});
               }),
               "Conv2DTranspose 'u': output_padding 1 must be at least 0 and less than "
               "the stride 1"));
  nlohmann::json bad = c;
  bad["output_padding"] = "x";
  EXPECT_TRUE(Contains(Refusal("Conv2DTranspose", bad), "output_padding must be null"));
  ExpectGradientsMatch(t, {{2, 3, 3, 2}}, 5);
  layers::Conv2DTranspose dilated(2, {2, 2},
                                  {.data_format = "channels_first", .dilation_rate = {2, 1}});
  ExpectGradientsMatch(dilated, {{1, 2, 3, 3}}, 6);
}

TEST(SeparableConv2D, DepthwiseThenPointwiseWithKerasWeights) {
  layers::SeparableConv2D sep(4, {3, 3}, {.padding = "same", .depth_multiplier = 2});
  EXPECT_EQ(sep.ComputeOutputShape({N, 6, 6, 3}), (Shape{N, 6, 6, 4}));
  sep.Build(Shape{N, 6, 6, 3});
  ASSERT_EQ(sep.weights().size(), 3u);
  EXPECT_EQ(sep.weights()[0].name, "depthwise_kernel");
  EXPECT_EQ(sep.weights()[0].value.shape(), (Shape{3, 3, 3, 2}));
  EXPECT_EQ(sep.weights()[1].name, "pointwise_kernel");
  EXPECT_EQ(sep.weights()[1].value.shape(), (Shape{1, 1, 6, 4}));
  EXPECT_EQ(sep.count_params(), 54 + 24 + 4);
  // It equals a DepthwiseConv2D followed by a 1x1 Conv2D with the same weights.
  std::mt19937 rng(4);
  const Tensor x = testing::RandomTensor(kFloat32, {2, 6, 6, 3}, rng);
  layers::DepthwiseConv2D dw({3, 3}, {.padding = "same", .depth_multiplier = 2, .use_bias = false});
  dw.Build(Shape{N, 6, 6, 3});
  dw.weights()[0].value = sep.weights()[0].value.Clone();
  layers::Conv2D pw(4, {1, 1});
  pw.Build(Shape{N, 6, 6, 6});
  pw.weights()[0].value = sep.weights()[1].value.Clone();
  sep.weights()[2].value = testing::RandomTensor(kFloat32, {4}, rng);
  pw.weights()[1].value = sep.weights()[2].value.Clone();
  const std::vector<float> want = Apply(pw, Apply(dw, x)).ToVector<float>(),
                           got = Apply(sep, x).ToVector<float>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << i;
  const nlohmann::json c = sep.get_config();
  EXPECT_EQ(c["depth_multiplier"], 2);
  EXPECT_EQ(FromConfig("SeparableConv2D", c)->get_config(), c);
  nlohmann::json bad = c;
  bad.erase("filters");
  EXPECT_TRUE(Contains(Refusal("SeparableConv2D", bad), "missing filters or kernel_size"));
  layers::SeparableConv2D strided(2, {2, 2}, {.strides = {2, 2}, .use_bias = false});
  EXPECT_EQ(strided.ComputeOutputShape({N, 5, 5, 3}), (Shape{N, 2, 2, 2}));
  ExpectGradientsMatch(strided, {{1, 5, 5, 3}}, 7);
}

TEST(Conv1D, CausalOutputsSeeOnlyThePast) {
  layers::Conv1D causal(2, 3, {.padding = "causal", .dilation_rate = 2});
  EXPECT_EQ(causal.ComputeOutputShape({N, 10, 3}), (Shape{N, 10, 2}));
  std::mt19937 rng(8);
  Tensor x = testing::RandomTensor(kFloat32, {1, 10, 3}, rng);
  causal.Build(Shape{N, 10, 3});
  EXPECT_EQ(causal.weights()[0].value.shape(), (Shape{3, 3, 2}));
  const std::vector<float> before = Apply(causal, x).ToVector<float>();
  x.data<float>()[6 * 3 + 1] += 1;  // step 6 changes
  const std::vector<float> after = Apply(causal, x).ToVector<float>();
  for (int t = 0; t < 10; ++t)
    for (int f = 0; f < 2; ++f) {
      const bool reached = t == 6 || t == 8 || t == 10;  // taps at t, t - 2, t - 4
      if (t < 6) EXPECT_EQ(before[t * 2 + f], after[t * 2 + f]) << t;
      if (reached && t < 10) EXPECT_NE(before[t * 2 + f], after[t * 2 + f]) << t;
      if (t == 7 || t == 9) EXPECT_EQ(before[t * 2 + f], after[t * 2 + f]) << t;
    }
  ExpectGradientsMatch(causal, {{2, 6, 3}}, 9);
}

TEST(Conv1D, ValuesShapesAndConfig) {
  // Kernel [1, 2] (one channel in, one out) over 1, 2, 3, 4: 5, 8, 11 (valid).
  layers::Conv1D c(1, 2, {.use_bias = false});
  c.Build(Shape{N, 4, 1});
  c.weights()[0].value = Tensor::FromVector<float>({1, 2}, {2, 1, 1});
  EXPECT_EQ(Apply(c, Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4, 1})).ToVector<float>(),
            (std::vector<float>{5, 8, 11}));
  EXPECT_EQ(layers::Conv1D(4, 3, {.strides = 2, .padding = "same"}).ComputeOutputShape({N, 9, 2}),
            (Shape{N, 5, 4}));
  layers::Conv1D cf(4, 3, {.data_format = "channels_first", .groups = 2});
  EXPECT_EQ(cf.ComputeOutputShape({N, 6, 9}), (Shape{N, 4, 7}));
  cf.Build(Shape{N, 6, 9});
  EXPECT_EQ(cf.weights()[0].value.shape(), (Shape{3, 3, 4}));
  ExpectGradientsMatch(cf, {{2, 6, 5}}, 10);
  // Keras writes the window options as one-element lists.
  const nlohmann::json config = cf.get_config();
  EXPECT_EQ(config["kernel_size"], nlohmann::json::parse("[3]"));
  EXPECT_EQ(config["strides"], nlohmann::json::parse("[1]"));
  EXPECT_EQ(FromConfig("Conv1D", config)->get_config(), config);
  nlohmann::json as_int = config;
  as_int["kernel_size"] = 5;
  EXPECT_EQ(FromConfig("Conv1D", as_int)->ComputeOutputShape({N, 6, 9}), (Shape{N, 4, 5}));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::Conv1D(4, 3, {.padding = "full", .name = "c"}); }),
                       "Conv1D 'c': padding must be 'valid' or 'same'"));
  layers::Conv1D wide(2, 5);
  EXPECT_TRUE(Contains(ErrorOf([&] { wide.Build(Shape{N, 4, 1}); }), "larger than the input"));
}

TEST(Pooling1D, MaxAverageAndGlobal) {
  const Tensor x = Tensor::FromVector<float>({1, 3, 2, 5, 4}, {1, 5, 1});
  layers::MaxPooling1D mx;
  EXPECT_EQ(Apply(mx, x).ToVector<float>(), (std::vector<float>{3, 5}));
  // "same" border windows average only the steps inside: (1+3)/2, (2+5)/2, 4.
  layers::AveragePooling1D avg({.pool_size = 2, .padding = "same"});
  ExpectValues(Apply(avg, x), {2, 3.5f, 4});
  layers::AveragePooling1D sliding({.pool_size = 3, .strides = 1});
  ExpectValues(Apply(sliding, x), {2, 10.f / 3, 11.f / 3});
  layers::MaxPooling1D cf({.pool_size = 2, .data_format = "channels_first"});
  EXPECT_EQ(cf.ComputeOutputShape({N, 3, 9}), (Shape{N, 3, 4}));
  const nlohmann::json c = sliding.get_config();
  EXPECT_EQ(c["pool_size"], nlohmann::json::parse("[3]"));
  EXPECT_EQ(c["strides"], nlohmann::json::parse("[1]"));
  EXPECT_EQ(FromConfig("AveragePooling1D", c)->get_config(), c);
  nlohmann::json keras_null = mx.get_config();
  keras_null["strides"] = nullptr;
  EXPECT_EQ(FromConfig("MaxPooling1D", keras_null)->ComputeOutputShape({N, 6, 2}),
            (Shape{N, 3, 2}));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::MaxPooling1D({.pool_size = 0, .name = "p"}); }),
                       "MaxPooling1D 'p': pool_size and strides must be positive"));
  ExpectGradientsMatch(avg, {{2, 5, 3}}, 12);
  ExpectGradientsMatch(sliding, {{2, 5, 3}}, 13);

  layers::GlobalAveragePooling1D gavg;
  EXPECT_EQ(Apply(gavg, x).ToVector<float>(), (std::vector<float>{3}));
  layers::GlobalMaxPooling1D gmax({.keepdims = true});
  EXPECT_EQ(gmax.ComputeOutputShape({N, 5, 2}), (Shape{N, 1, 2}));
  EXPECT_EQ(Apply(gmax, x).ToVector<float>(), (std::vector<float>{5}));
  layers::GlobalAveragePooling1D gcf({.data_format = "channels_first"});
  EXPECT_EQ(gcf.ComputeOutputShape({N, 4, 7}), (Shape{N, 4}));
  EXPECT_TRUE(Contains(ErrorOf([&] { gavg.ComputeOutputShape({N, 4, 4, 2}); }), "3D input"));
  EXPECT_EQ(FromConfig("GlobalMaxPooling1D", gmax.get_config())->get_config(), gmax.get_config());
  ExpectGradientsMatch(gavg, {{2, 4, 3}}, 14);
}

}  // namespace
}  // namespace kiln::keras
