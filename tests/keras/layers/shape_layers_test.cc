// Cropping2D, UpSampling2D, Resizing, CenterCrop, Permute and RepeatVector: values on small
// hand-checked inputs (bilinear blends follow tf.image.resize's half-pixel rule), shapes in both
// data formats, configs both ways (Kiln's and Keras-saved ones), errors that name the layer, and
// gradients against finite differences.
#include <gtest/gtest.h>

#include "tests/keras/layers/layer_testing.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

// 0, 1, 2, ... in the given shape.
Tensor Iota(const Shape& s) {
  std::vector<float> v(static_cast<size_t>(s.NumElements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return Tensor::FromVector<float>(v, s);
}

void ExpectNear(const Tensor& got, const std::vector<float>& want) {
  const std::vector<float> g = got.ToVector<float>();
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], 1e-5) << "at " << i;
}

const nlohmann::json kKeras3Float32 = nlohmann::json::parse(
    R"({"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
        "registered_name": null})");

// The 2x2 image [[1, 2], [3, 4]] resized bilinearly to 4x4 with half-pixel centers
// (tf.image.resize and jax.image.resize, antialias off): each output samples the input at
// (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to the edge pixels.
const std::vector<float> kBilinear2x = {1,   1.25, 1.75, 2,   1.5, 1.75, 2.25, 2.5,
                                        2.5, 2.75, 3.25, 3.5, 3,   3.25, 3.75, 4};

TEST(Cropping2D, CropsEachSideInBothDataFormats) {
  layers::Cropping2D crop({.cropping = {{{1, 2}, {0, 3}}}, .name = "crop"});
  EXPECT_EQ(crop.ComputeOutputShape({kUnknownDim, 4, 5, 3}), (Shape{kUnknownDim, 1, 2, 3}));
  EXPECT_EQ(crop.ComputeOutputShape({kUnknownDim, kUnknownDim, 5, 3}),
            (Shape{kUnknownDim, kUnknownDim, 2, 3}));
  // Rows 0..3 of 0..19 (4x5): row 1 is 5..9, of which columns 0 and 1 stay.
  EXPECT_EQ(Apply(crop, Iota({1, 4, 5, 1})).ToVector<float>(), (std::vector<float>{5, 6}));
  layers::Cropping2D first({.cropping = {{{1, 1}, {2, 0}}}, .data_format = "channels_first"});
  EXPECT_EQ(first.ComputeOutputShape({kUnknownDim, 2, 4, 3}), (Shape{kUnknownDim, 2, 2, 1}));
  // Channel 0 is 0..11 (4x3), channel 1 is 12..23: rows 1 and 2, column 2 of each.
  EXPECT_EQ(Apply(first, Iota({1, 2, 4, 3})).ToVector<float>(), (std::vector<float>{5, 8, 17, 20}));
  EXPECT_EQ(crop.get_config()["cropping"], nlohmann::json::parse("[[1, 2], [0, 3]]"));
  ExpectConfigRoundTrip(crop);
  ExpectConfigRoundTrip(first);
  // Keras 3 writes pairs of pairs and a DTypePolicy; an int or (h, w) pair loads too.
  auto keras3 = FromConfig("Cropping2D", {{"name", "cropping2d_7"},
                                          {"trainable", true},
                                          {"dtype", kKeras3Float32},
                                          {"cropping", {{2, 2}, {1, 1}}},
                                          {"data_format", "channels_last"}});
  EXPECT_EQ(keras3->ComputeOutputShape({kUnknownDim, 8, 8, 1}), (Shape{kUnknownDim, 4, 6, 1}));
  auto symmetric = FromConfig("Cropping2D", {{"name", "c"}, {"cropping", {1, 2}}});
  EXPECT_EQ(symmetric->get_config()["cropping"], nlohmann::json::parse("[[1, 1], [2, 2]]"));
  EXPECT_EQ(FromConfig("Cropping2D", {{"name", "c"}, {"cropping", 3}})->get_config()["cropping"],
            nlohmann::json::parse("[[3, 3], [3, 3]]"));
  EXPECT_TRUE(Contains(Refusal("Cropping2D", {{"name", "c"}, {"cropping", "big"}}),
                       "Cropping2D 'c': cropping must be"));
  // Keras refuses a crop that leaves nothing, as well as one larger than the input.
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         crop.ComputeOutputShape({kUnknownDim, 3, 5, 1});
                       }),
                       "Cropping2D 'crop': values in `cropping` argument should be smaller"));
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         crop.ComputeOutputShape({kUnknownDim, 4, 5});
                       }),
                       "Cropping2D 'crop': expected input of rank 4"));
  EXPECT_TRUE(Contains(ErrorOf([] {
                         layers::Cropping2D({.cropping = {{{-1, 0}, {0, 0}}}, .name = "n"});
                       }),
                       "Cropping2D 'n': cropping must be between 0"));
  layers::Cropping2D grad({.cropping = {{{1, 0}, {1, 2}}}});
  ExpectGradientsMatch(grad, {{2, 3, 5, 2}}, 1);
}

TEST(UpSampling2D, NearestRepeatsRowsAndColumns) {
  layers::UpSampling2D up({.size = {2, 3}});
  EXPECT_EQ(up.name().rfind("up_sampling2d", 0), 0u) << up.name();
  EXPECT_EQ(up.ComputeOutputShape({kUnknownDim, 2, 2, 2}), (Shape{kUnknownDim, 4, 6, 2}));
  EXPECT_EQ(up.ComputeOutputShape({kUnknownDim, kUnknownDim, 2, 2}),
            (Shape{kUnknownDim, kUnknownDim, 6, 2}));
  // Channel 0 is [[1, 2], [3, 4]], channel 1 ten times that.
  const Tensor x = Tensor::FromVector<float>({1, 10, 2, 20, 3, 30, 4, 40}, {1, 2, 2, 2});
  const std::vector<float> rows = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                                   3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
  std::vector<float> want;
  for (float v : rows) want.insert(want.end(), {v, 10 * v});
  EXPECT_EQ(Apply(up, x).ToVector<float>(), want);
  layers::UpSampling2D first({.size = {2, 3}, .data_format = "channels_first"});
  EXPECT_EQ(first.ComputeOutputShape({kUnknownDim, 2, 2, 2}), (Shape{kUnknownDim, 2, 4, 6}));
  const Tensor xf = Tensor::FromVector<float>({1, 2, 3, 4, 10, 20, 30, 40}, {1, 2, 2, 2});
  std::vector<float> want_first = rows;
  for (float v : rows) want_first.push_back(10 * v);
  EXPECT_EQ(Apply(first, xf).ToVector<float>(), want_first);
  ExpectConfigRoundTrip(up);
  ExpectConfigRoundTrip(first);
  EXPECT_EQ(up.get_config()["size"], nlohmann::json::parse("[2, 3]"));
  EXPECT_EQ(up.get_config()["interpolation"], "nearest");
}

TEST(UpSampling2D, BilinearIsTheHalfPixelResize) {
  layers::UpSampling2D up({.interpolation = "bilinear"});
  ExpectNear(Apply(up, Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1})), kBilinear2x);
  layers::UpSampling2D first({.data_format = "channels_first", .interpolation = "bilinear"});
  std::vector<float> want = kBilinear2x;
  for (float v : kBilinear2x) want.push_back(-v);
  ExpectNear(Apply(first, Tensor::FromVector<float>({1, 2, 3, 4, -1, -2, -3, -4}, {1, 2, 2, 2})),
             want);
  // A 3x upsampling of the ramp 0, 1 samples it at (o + 0.5) / 3 - 0.5: -1/3, 0, 1/3, 2/3, 1, 4/3.
  layers::UpSampling2D wide({.size = {1, 3}, .interpolation = "bilinear"});
  ExpectNear(Apply(wide, Tensor::FromVector<float>({0, 1}, {1, 1, 2, 1})),
             {0, 0, 1.f / 3, 2.f / 3, 1, 1});
  // Keras 3's saved config, dtype as a DTypePolicy.
  auto keras3 = FromConfig("UpSampling2D", {{"name", "up_sampling2d"},
                                            {"trainable", true},
                                            {"dtype", kKeras3Float32},
                                            {"size", {2, 2}},
                                            {"data_format", "channels_last"},
                                            {"interpolation", "bilinear"}});
  ExpectNear(Apply(*keras3, Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1})), kBilinear2x);
  EXPECT_EQ(FromConfig("UpSampling2D", {{"name", "u"}, {"size", 3}})->get_config()["size"],
            nlohmann::json::parse("[3, 3]"));
  EXPECT_TRUE(Contains(Refusal("UpSampling2D", {{"name", "u"}, {"interpolation", "bicubic"}}),
                       "UpSampling2D 'u': interpolation must be 'bilinear' or 'nearest'"));
  EXPECT_TRUE(Contains(Refusal("UpSampling2D", {{"name", "u"}, {"size", {2, 2, 2}}}),
                       "UpSampling2D 'u': size"));
  EXPECT_TRUE(Contains(ErrorOf([] {
                         layers::UpSampling2D({.size = {0, 2}, .name = "z"});
                       }),
                       "UpSampling2D 'z': size must be two positive integers"));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::UpSampling2D({.data_format = "nhwc", .name = "z"}); }),
                       "UpSampling2D 'z': data_format"));
  layers::UpSampling2D unknown({.name = "unknown"});
  EXPECT_TRUE(Contains(
      ErrorOf([&] {
        Graph g;
        GraphBuilder b(g);
        unknown.Call(b, b.Placeholder("x", kFloat32, {kUnknownDim, kUnknownDim, 4, 1}), {});
      }),
      "UpSampling2D 'unknown': needs the input's height and width"));
  layers::UpSampling2D grad({.size = {2, 3}, .interpolation = "bilinear"});
  ExpectGradientsMatch(grad, {{2, 3, 2, 2}}, 2);
  layers::UpSampling2D grad_first({.data_format = "channels_first"});
  ExpectGradientsMatch(grad_first, {{2, 2, 3, 2}}, 3);
}

TEST(Resizing, BilinearShrinksAndGrowsWithHalfPixelCenters) {
  layers::Resizing r(2, 2, {.name = "r"});
  EXPECT_EQ(r.ComputeOutputShape({kUnknownDim, 4, 4, 3}), (Shape{kUnknownDim, 2, 2, 3}));
  // 4 -> 2 samples at 0.5 and 2.5: each output is the mean of a 2x2 block of 0..15.
  ExpectNear(Apply(r, Iota({1, 4, 4, 1})), {2.5, 4.5, 10.5, 12.5});
  // 4 -> 3 samples the ramp 0..3 at (o + 0.5) * 4 / 3 - 0.5 (align_corners would give 0, 1.5, 3).
  layers::Resizing three(1, 3);
  ExpectNear(Apply(three, Iota({1, 1, 4, 1})), {1.f / 6, 1.5f, 17.f / 6});
  layers::Resizing grow(4, 4);
  ExpectNear(Apply(grow, Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1})), kBilinear2x);
  layers::Resizing first(3, 1, {.data_format = "channels_first"});
  EXPECT_EQ(first.ComputeOutputShape({kUnknownDim, 2, 4, 5}), (Shape{kUnknownDim, 2, 3, 1}));
  // Channel 0 is the column 0..3, channel 1 the column 4..7.
  ExpectNear(Apply(first, Iota({1, 2, 4, 1})),
             {1.f / 6, 1.5f, 17.f / 6, 4 + 1.f / 6, 5.5f, 4 + 17.f / 6});
  ExpectConfigRoundTrip(r);
  ExpectConfigRoundTrip(first);
  EXPECT_EQ(r.get_config()["interpolation"], "bilinear");
  EXPECT_EQ(r.get_config()["crop_to_aspect_ratio"], false);
  EXPECT_FALSE(r.get_config().contains("data_format"));  // tf.keras's Resizing has none
  EXPECT_EQ(first.get_config()["data_format"], "channels_first");
  layers::Resizing grad(3, 5);
  ExpectGradientsMatch(grad, {{2, 4, 3, 2}}, 4);
}

TEST(Resizing, NearestPicksTheHalfPixelNeighbour) {
  // 4 -> 3 picks floor((o + 0.5) * 4 / 3) = 0, 2, 3; 3 -> 5 picks floor((o + 0.5) * 3 / 5) =
  // 0, 0, 1, 2, 2 (jax.image.resize's and tf.image.resize's half-pixel nearest).
  layers::Resizing shrink(1, 3, {.interpolation = "nearest"});
  EXPECT_EQ(Apply(shrink, Iota({1, 1, 4, 1})).ToVector<float>(), (std::vector<float>{0, 2, 3}));
  layers::Resizing grow(5, 1, {.interpolation = "nearest"});
  EXPECT_EQ(Apply(grow, Iota({1, 3, 1, 1})).ToVector<float>(), (std::vector<float>{0, 0, 1, 2, 2}));
  layers::Resizing grad(3, 2, {.interpolation = "nearest"});
  ExpectGradientsMatch(grad, {{2, 4, 3, 2}}, 5);
}

TEST(Resizing, CropToAspectRatioCentersTheLargestWindow) {
  // 4x6 to 2x2: the window is 4x4 starting at column 1, then each output averages a 2x2 block.
  layers::Resizing r(2, 2, {.crop_to_aspect_ratio = true});
  ExpectNear(Apply(r, Iota({1, 4, 6, 1})), {4.5, 6.5, 16.5, 18.5});
  layers::Resizing first(2, 2, {.crop_to_aspect_ratio = true, .data_format = "channels_first"});
  ExpectNear(Apply(first, Iota({1, 1, 4, 6})), {4.5, 6.5, 16.5, 18.5});
  // 6x4 to 2x4 keeps the full width and the middle 2 rows.
  layers::Resizing wide(2, 4, {.interpolation = "nearest", .crop_to_aspect_ratio = true});
  EXPECT_EQ(Apply(wide, Iota({1, 6, 4, 1})).ToVector<float>(),
            (std::vector<float>{8, 9, 10, 11, 12, 13, 14, 15}));
  ExpectConfigRoundTrip(r);
  layers::Resizing grad(2, 3, {.crop_to_aspect_ratio = true});
  ExpectGradientsMatch(grad, {{2, 5, 4, 1}}, 6);
}

TEST(Resizing, KerasConfigsAndErrors) {
  // Keras 3.x's saved config.
  auto keras3 = FromConfig("Resizing", {{"name", "resizing"},
                                        {"trainable", true},
                                        {"dtype", kKeras3Float32},
                                        {"height", 2},
                                        {"width", 2},
                                        {"interpolation", "bilinear"},
                                        {"crop_to_aspect_ratio", false},
                                        {"pad_to_aspect_ratio", false},
                                        {"fill_mode", "constant"},
                                        {"fill_value", 0.0},
                                        {"antialias", false},
                                        {"data_format", "channels_last"}});
  ExpectNear(Apply(*keras3, Iota({1, 4, 4, 1})), {2.5, 4.5, 10.5, 12.5});
  // tf.keras 2.x's.
  auto tf_keras = FromConfig("Resizing", {{"name", "resizing_1"},
                                          {"trainable", true},
                                          {"dtype", "float32"},
                                          {"height", 3},
                                          {"width", 5},
                                          {"interpolation", "nearest"},
                                          {"crop_to_aspect_ratio", true}});
  EXPECT_EQ(tf_keras->ComputeOutputShape({kUnknownDim, 9, 9, 3}), (Shape{kUnknownDim, 3, 5, 3}));
  const nlohmann::json base = {{"name", "r"}, {"height", 4}, {"width", 4}};
  auto with = [&](const char* key, nlohmann::json v) {
    nlohmann::json c = base;
    c[key] = std::move(v);
    return c;
  };
  EXPECT_TRUE(Contains(Refusal("Resizing", with("pad_to_aspect_ratio", true)),
                       "Resizing 'r': pad_to_aspect_ratio"));
  EXPECT_TRUE(Contains(Refusal("Resizing", with("antialias", true)), "Resizing 'r': antialias"));
  EXPECT_TRUE(Contains(Refusal("Resizing", with("interpolation", "lanczos3")),
                       "Resizing 'r': interpolation must be 'bilinear' or 'nearest', got "
                       "'lanczos3'"));
  EXPECT_TRUE(Contains(Refusal("Resizing", with("height", "tall")), "Resizing 'r': height"));
  EXPECT_TRUE(
      Contains(Refusal("Resizing", {{"name", "r"}, {"width", 4}}), "Resizing 'r': height missing"));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::Resizing(0, 4, {.name = "z"}); }),
                       "Resizing 'z': height and width must be two positive integers"));
  layers::Resizing r(2, 2, {.name = "r"});
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         r.ComputeOutputShape({kUnknownDim, 4, 4});
                       }),
                       "Resizing 'r': expected input of rank 4"));
}

TEST(CenterCrop, CropsTheMiddleAndResizesWhenTooSmall) {
  layers::CenterCrop crop(2, 3, {.name = "cc"});
  EXPECT_EQ(crop.name(), "cc");
  EXPECT_EQ(crop.ComputeOutputShape({kUnknownDim, 4, 5, 3}), (Shape{kUnknownDim, 2, 3, 3}));
  // 4x5 of 0..19: rows 1..2, columns 1..3.
  EXPECT_EQ(Apply(crop, Iota({1, 4, 5, 1})).ToVector<float>(),
            (std::vector<float>{6, 7, 8, 11, 12, 13}));
  // Odd differences round the start down: 5x5 to 2x2 starts at (1, 1).
  layers::CenterCrop odd(2, 2);
  EXPECT_EQ(Apply(odd, Iota({1, 5, 5, 1})).ToVector<float>(), (std::vector<float>{6, 7, 11, 12}));
  layers::CenterCrop first(2, 3, {.data_format = "channels_first"});
  EXPECT_EQ(first.ComputeOutputShape({kUnknownDim, 3, 4, 5}), (Shape{kUnknownDim, 3, 2, 3}));
  EXPECT_EQ(Apply(first, Iota({1, 2, 4, 5})).ToVector<float>(),
            (std::vector<float>{6, 7, 8, 11, 12, 13, 26, 27, 28, 31, 32, 33}));
  // Too small on one axis: Keras's smart_resize, the centered 2x2 window of the 2x4 image
  // ([[1, 2], [5, 6]]) resized bilinearly to 4x4.
  layers::CenterCrop up(4, 4);
  ExpectNear(Apply(up, Iota({1, 2, 4, 1})), {1, 1.25, 1.75, 2, 2, 2.25, 2.75, 3,  //
                                             4, 4.25, 4.75, 5, 5, 5.25, 5.75, 6});
  layers::CenterCrop up2(4, 4);
  ExpectNear(Apply(up2, Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1})), kBilinear2x);
  ExpectConfigRoundTrip(crop);
  ExpectConfigRoundTrip(first);
  EXPECT_EQ(crop.get_config()["height"], 2);
  EXPECT_EQ(crop.get_config()["width"], 3);
  auto keras3 = FromConfig("CenterCrop", {{"name", "center_crop"},
                                          {"trainable", true},
                                          {"dtype", kKeras3Float32},
                                          {"height", 2},
                                          {"width", 3},
                                          {"data_format", "channels_last"}});
  EXPECT_EQ(Apply(*keras3, Iota({1, 4, 5, 1})).ToVector<float>(),
            (std::vector<float>{6, 7, 8, 11, 12, 13}));
  EXPECT_TRUE(Contains(Refusal("CenterCrop", {{"name", "cc"}, {"height", 2}}),
                       "CenterCrop 'cc': width missing"));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::CenterCrop(2, -1, {.name = "neg"}); }),
                       "CenterCrop 'neg': height and width must be two positive integers"));
  EXPECT_TRUE(
      Contains(ErrorOf([&] {
                 Graph g;
                 GraphBuilder b(g);
                 crop.Call(b, b.Placeholder("x", kFloat32, {kUnknownDim, kUnknownDim, 4, 1}), {});
               }),
               "CenterCrop 'cc': can only process images with a static spatial shape"));
  layers::CenterCrop grad(2, 3);
  ExpectGradientsMatch(grad, {{2, 4, 5, 2}}, 7);
  layers::CenterCrop grad_up(4, 3);
  ExpectGradientsMatch(grad_up, {{2, 3, 3, 2}}, 8);
}

TEST(Permute, ReordersTheNonBatchDimensions) {
  layers::Permute p({2, 1}, {.name = "p"});
  EXPECT_EQ(p.ComputeOutputShape({kUnknownDim, 10, 64}), (Shape{kUnknownDim, 64, 10}));
  // (2, 3) of 0..5, transposed.
  EXPECT_EQ(Apply(p, Iota({1, 2, 3})).ToVector<float>(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  layers::Permute to_first({3, 1, 2});
  EXPECT_EQ(to_first.ComputeOutputShape({kUnknownDim, 2, 3, 4}), (Shape{kUnknownDim, 4, 2, 3}));
  const Tensor y = Apply(to_first, Iota({2, 2, 3, 4}));
  EXPECT_EQ(y.shape(), (Shape{2, 4, 2, 3}));
  // y[n, c, h, w] = x[n, h, w, c].
  EXPECT_EQ(y.data<float>()[1 * 24 + 3 * 6 + 1 * 3 + 2], 1 * 24 + 1 * 12 + 2 * 4 + 3);
  EXPECT_EQ(p.get_config()["dims"], nlohmann::json::parse("[2, 1]"));
  ExpectConfigRoundTrip(to_first);
  auto keras3 =
      FromConfig("Permute", {{"name", "permute"}, {"dtype", kKeras3Float32}, {"dims", {2, 1}}});
  EXPECT_EQ(keras3->ComputeOutputShape({kUnknownDim, 10, 64}), (Shape{kUnknownDim, 64, 10}));
  EXPECT_TRUE(Contains(ErrorOf([] {
                         layers::Permute({1, 3}, {.name = "bad"});
                       }),
                       "Permute 'bad': invalid permutation argument `dims`. The set of indices in "
                       "`dims` must be consecutive and start from 1. Received dims=(1, 3)"));
  EXPECT_TRUE(Contains(ErrorOf([] {
                         layers::Permute({0, 1}, {.name = "bad"});
                       }),
                       "Permute 'bad': invalid permutation"));
  EXPECT_TRUE(Contains(Refusal("Permute", {{"name", "q"}, {"dims", {2, 2}}}),
                       "Permute 'q': invalid permutation"));
  EXPECT_TRUE(Contains(Refusal("Permute", {{"name", "q"}, {"dims", "21"}}),
                       "Permute 'q': dims must be a list of ints"));
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         p.ComputeOutputShape({kUnknownDim, 2, 3, 4});
                       }),
                       "Permute 'p': dims (2, 1) need an input of rank 3"));
  layers::Permute grad({3, 1, 2});
  ExpectGradientsMatch(grad, {{2, 2, 3, 4}}, 9);
}

TEST(RepeatVector, RepeatsEachSampleNTimes) {
  layers::RepeatVector r(2, {.name = "rv"});
  EXPECT_EQ(r.ComputeOutputShape({kUnknownDim, 3}), (Shape{kUnknownDim, 2, 3}));
  EXPECT_EQ(Apply(r, Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})).ToVector<float>(),
            (std::vector<float>{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}));
  EXPECT_EQ(r.get_config()["n"], 2);
  ExpectConfigRoundTrip(r);
  auto keras3 =
      FromConfig("RepeatVector", {{"name", "repeat_vector"}, {"dtype", kKeras3Float32}, {"n", 4}});
  EXPECT_EQ(keras3->ComputeOutputShape({kUnknownDim, 7}), (Shape{kUnknownDim, 4, 7}));
  EXPECT_TRUE(Contains(Refusal("RepeatVector", {{"name", "q"}, {"n", 2.5}}),
                       "RepeatVector 'q': n must be an integer, got 2.5"));
  EXPECT_TRUE(Contains(ErrorOf([] { layers::RepeatVector(0, {.name = "z"}); }),
                       "RepeatVector 'z': n must be between 1"));
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         r.ComputeOutputShape({kUnknownDim, 2, 3});
                       }),
                       "RepeatVector 'rv': expected ndim=2, found ndim=3"));
  layers::RepeatVector grad(3);
  ExpectGradientsMatch(grad, {{2, 4}}, 10);
}

// The layers inside a model, through the same lowering and planned graph fit() uses.
TEST(ShapeLayers, RunInsideASequentialModel) {
  Sequential model({layers::UpSampling2D({.interpolation = "bilinear", .input_shape = {2, 2, 1}}),
                    layers::Cropping2D({.cropping = {{{1, 1}, {0, 0}}}}),
                    layers::Permute({2, 1, 3})});
  EXPECT_EQ(model.output_shape(), (Shape{kUnknownDim, 4, 2, 1}));
  const Tensor y = model.predict(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2, 1}));
  // Rows 1 and 2 of the bilinear 4x4, transposed.
  ExpectNear(y, {1.5, 2.5, 1.75, 2.75, 2.25, 3.25, 2.5, 3.5});
}

}  // namespace
}  // namespace kiln::keras
