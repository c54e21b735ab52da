// Each layer's output against a hand computation, through the real model and executor.
#include <gtest/gtest.h>

#include <random>

#include "keras/keras.h"
#include "keras/model_config.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

TEST(Dense, MatchesHandComputation) {
  Sequential model({layers::Dense(2, {.activation = "relu", .input_shape = {3}})});
  model.set_weights({Tensor::FromVector<float>({1, -1, 2, 0, 0, 3}, {3, 2}),
                     Tensor::FromVector<float>({0.5f, -10.f}, {2})});
  Tensor y = model.predict(Tensor::FromVector<float>({1, 2, 3, -1, 0, 1}, {2, 3}));
  // [1,2,3]: [1+4+0, -1+0+9] + b = [5.5, -2] -> relu [5.5, 0]; [-1,0,1]: [-1+0, 1+3] + b = [-0.5,
  // -6] -> 0
  EXPECT_EQ(y.ToVector<float>(), (std::vector<float>{5.5f, 0.f, 0.f, 0.f}));
  EXPECT_EQ(model.count_params(), 8);
}

TEST(Dense, OnRank3InputTrainsWithTheRightGradients) {
  // Dense(3, tanh) on (None, 5, 4), Flatten, Dense(2), mse: one SGD step over the whole batch
  // moves each weight by -lr * dL/dw; dL/dw is taken here by central differences of the same
  // network computed in float64 with plain loops.
  Sequential m({layers::Dense(3, {.activation = "tanh", .input_shape = {5, 4}}), layers::Flatten(),
                layers::Dense(2)});
  EXPECT_EQ(m.layers()[0]->output_shape(), (Shape{kUnknownDim, 5, 3}));
  EXPECT_EQ(m.layers()[0]->count_params(), 4 * 3 + 3);
  std::mt19937 rng(3);
  const Tensor x = testing::RandomTensor(kFloat32, {6, 5, 4}, rng),
               t = testing::RandomTensor(kFloat32, {6, 2}, rng);
  const std::vector<Tensor> w0 = m.get_weights();
  auto loss = [&](const std::vector<std::vector<double>>& w) {
    double sum = 0;
    for (int n = 0; n < 6; ++n) {
      std::vector<double> h(15);
      for (int p = 0; p < 5; ++p)
        for (int j = 0; j < 3; ++j) {
          double z = w[1][j];
          for (int i = 0; i < 4; ++i) z += x.data<float>()[(n * 5 + p) * 4 + i] * w[0][i * 3 + j];
          h[p * 3 + j] = std::tanh(z);
        }
      for (int k = 0; k < 2; ++k) {
        double y = w[3][k];
        for (int i = 0; i < 15; ++i) y += h[i] * w[2][i * 2 + k];
        sum += (y - t.data<float>()[n * 2 + k]) * (y - t.data<float>()[n * 2 + k]);
      }
    }
    return sum / 12;
  };
  std::vector<std::vector<double>> w;
  for (const Tensor& v : w0) w.push_back(v.astype(kFloat64).ToVector<double>());
  const double lr = 0.1;
  m.compile({.optimizer = optimizers::SGD({.lr = lr}), .loss = "mse"});
  m.fit(x, t, {.batch_size = 6, .epochs = 1, .verbose = 0, .shuffle = false});
  const std::vector<Tensor> w1 = m.get_weights();
  double worst = 0;
  for (size_t k = 0; k < w.size(); ++k)
    for (size_t i = 0; i < w[k].size(); ++i) {
      auto plus = w, minus = w;
      plus[k][i] += 1e-6;
      minus[k][i] -= 1e-6;
      const double numeric = (loss(plus) - loss(minus)) / 2e-6;
      const double step = (double(w0[k].data<float>()[i]) - w1[k].data<float>()[i]) / lr;
      worst = std::max(worst, std::abs(step - numeric));
    }
  EXPECT_LT(worst, 1e-4);
  EXPECT_GT(testing::MaxAbsDiff(w0[0], w1[0]), 1e-3);  // the rank-3 kernel did get a gradient
}

TEST(Activation, SigmoidTanhSoftmax) {
  Tensor x = Tensor::FromVector<float>({0.f, 1.f, -2.f}, {1, 3});
  auto run = [&](const char* act) {
    Sequential m({layers::Activation(act, {.input_shape = {3}})});
    return m.predict(x).ToVector<float>();
  };
  auto s = run("sigmoid");
  EXPECT_FLOAT_EQ(s[0], 0.5f);
  EXPECT_NEAR(s[1], 1 / (1 + std::exp(-1.0)), 1e-7);
  auto t = run("tanh");
  EXPECT_NEAR(t[2], std::tanh(-2.0), 1e-7);
  auto sm = run("softmax");
  double z = std::exp(0.0) + std::exp(1.0) + std::exp(-2.0);
  EXPECT_NEAR(sm[1], std::exp(1.0) / z, 1e-7);
  EXPECT_EQ(run("linear"), x.ToVector<float>());
}

TEST(Flatten, KeepsRowMajorOrder) {
  Sequential m({layers::Flatten({.input_shape = {2, 3}})});
  Tensor x = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 3});
  Tensor y = m.predict(x);
  EXPECT_EQ(y.shape(), (Shape{2, 6}));
  EXPECT_EQ(y.ToVector<float>(), x.ToVector<float>());
}

TEST(Conv2D, MatchesHandComputationInBothDataFormats) {
  // One 3x3 single-channel image, a 2x2 kernel of ones: each output is the sum of a 2x2 patch.
  Tensor img = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  for (const char* format : {"channels_last", "channels_first"}) {
    SCOPED_TRACE(format);
    const bool cf = std::string(format) == "channels_first";
    Sequential m({layers::Conv2D(
        1, {2, 2},
        {.data_format = format,
         .kernel_initializer = "ones",
         .input_shape = cf ? std::vector<int64_t>{1, 3, 3} : std::vector<int64_t>{3, 3, 1}})});
    Tensor y = m.predict(cf ? img.Reshaped({1, 1, 3, 3}) : img);
    EXPECT_EQ(y.ToVector<float>(), (std::vector<float>{12, 16, 24, 28}));
  }
  Sequential same({layers::Conv2D(1, {3, 3},
                                  {.strides = {2, 2},
                                   .padding = "same",
                                   .kernel_initializer = "ones",
                                   .input_shape = {3, 3, 1}})});
  // "same" with stride 2 on 3x3: outputs at (0,0), (0,2), (2,0), (2,2), each a clipped 3x3 sum.
  EXPECT_EQ(same.predict(img).ToVector<float>(), (std::vector<float>{12, 16, 24, 28}));
}

TEST(MaxPooling2D, TakesWindowMaxima) {
  Sequential m({layers::MaxPooling2D({.pool_size = {2, 2}, .input_shape = {4, 4, 1}})});
  Tensor x =
      Tensor::FromVector<float>({1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 9, 9, 7, 0, 9, 9}, {1, 4, 4, 1});
  EXPECT_EQ(m.predict(x).ToVector<float>(), (std::vector<float>{5, 8, 7, 9}));
}

TEST(BatchNormalization, UsesBatchStatisticsInTrainingAndMovingOnesAtInference) {
  Sequential m({layers::BatchNormalization({.momentum = 0.5, .input_shape = {2}})});
  m.compile({.optimizer = optimizers::SGD({.lr = 0.0}), .loss = "mse"});
  Tensor x = Tensor::FromVector<float>({1, 10, 3, 30}, {2, 2});
  // Inference before training: moving mean 0, variance 1 -> y = x / sqrt(1 + 1e-3).
  EXPECT_NEAR(m.predict(x).data<float>()[1], 10 / std::sqrt(1.001), 1e-4);
  m.fit(x, Tensor(kFloat32, {2, 2}),
        {.batch_size = 2, .epochs = 1, .verbose = 0, .shuffle = false});
  // One step with momentum 0.5: moving_mean = 0.5 * 0 + 0.5 * [2, 20], moving_var = 0.5 * 1 + 0.5 *
  // [1, 100].
  auto w = m.get_weights();
  EXPECT_EQ(w[2].ToVector<float>(), (std::vector<float>{1, 10}));
  EXPECT_EQ(w[3].ToVector<float>(), (std::vector<float>{1, 50.5}));
}

// (n, a, b) -> (n, b, a)
Tensor SwapLastTwo(const Tensor& t) {
  const int64_t n = t.dim(0), a = t.dim(1), b = t.dim(2);
  Tensor out(kFloat32, {n, b, a});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < a; ++j)
      for (int64_t k = 0; k < b; ++k)
        out.data<float>()[(i * b + k) * a + j] = t.data<float>()[(i * a + j) * b + k];
  return out;
}

TEST(BatchNormalization, AxisOneTrainsLikeTheLastAxisOnTransposedData) {
  // Features on axis 1 of (None, 2, 3) against features last on (None, 3, 2): the same
  // statistics, predictions and gradient steps, through the transposes around the computation.
  Tensor x(kFloat32, {4, 2, 3}), y(kFloat32, {4, 2, 3});
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    // Feature 0 (row 0 of axis 1) is shifted by 20, so the two features' statistics differ.
    x.data<float>()[i] = static_cast<float>((i * 7) % 11) - 3.f + ((i / 3) % 2 ? 0.f : 20.f);
    y.data<float>()[i] = static_cast<float>(i % 5) * 0.25f;
  }
  auto make = [](int64_t axis, std::vector<int64_t> shape) {
    auto m = std::make_unique<Sequential>(std::vector<LayerRef>{layers::BatchNormalization(
        {.axis = axis, .momentum = 0.5, .input_shape = std::move(shape)})});
    m->compile({.optimizer = optimizers::SGD({.lr = 0.1}), .loss = "mse"});
    return m;
  };
  auto first = make(1, {2, 3});
  auto last = make(-1, {3, 2});
  EXPECT_EQ(first->get_weights()[0].shape(), (Shape{2}));
  for (auto* m : {first.get(), last.get()}) {
    const bool t = m == last.get();
    m->fit(t ? SwapLastTwo(x) : x, t ? SwapLastTwo(y) : y,
           {.batch_size = 4, .epochs = 2, .verbose = 0, .shuffle = false});
  }
  auto a = first->get_weights(), b = last->get_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_LE(testing::MaxAbsDiff(a[i], b[i]), 1e-5) << i;
  // The steps did something: gamma left 1, and the moving means are per feature of axis 1
  // (feature 0's is about 20 larger).
  EXPECT_GT(testing::MaxAbsDiff(a[0], Tensor::FromVector<float>({1, 1}, {2})), 1e-3);
  EXPECT_GT(a[2].data<float>()[0] - a[2].data<float>()[1], 10.0);
  EXPECT_LE(testing::MaxAbsDiff(first->predict(x), SwapLastTwo(last->predict(SwapLastTwo(x)))),
            1e-5);
}

TEST(BatchNormalization, AxisMustBeAFeatureAxis) {
  for (int64_t axis : {0, 3, -4}) {
    SCOPED_TRACE(axis);
    const std::string msg = testing::ErrorOf([&] {
      Sequential m(
          {layers::BatchNormalization({.axis = axis, .input_shape = {2, 3}, .name = "bn"})});
    });
    EXPECT_NE(msg.find("BatchNormalization 'bn': axis " + std::to_string(axis)), std::string::npos)
        << msg;
  }
}

TEST(InputLayer, DeclaresTheInputAndIsNotAModelLayer) {
  backend::clear_session();
  Sequential m({Input({.shape = {2, 3}}), layers::Flatten(), layers::Dense(4)});
  EXPECT_EQ(m.layers().size(), 2u);  // as Keras's model.layers: no InputLayer
  EXPECT_EQ(m.input_name(), "input");
  EXPECT_EQ(m.input_shape(), (Shape{kUnknownDim, 2, 3}));
  EXPECT_EQ(m.predict(Tensor(kFloat32, {5, 2, 3})).shape(), (Shape{5, 4}));
  Sequential named(
      {layers::InputLayer({.input_shape = {7}, .name = "features"}), layers::Dense(1)});
  EXPECT_EQ(named.input_name(), "features");
  EXPECT_THROW(named.add(layers::InputLayer({.input_shape = {7}})), ValueError);
}

TEST(Layers, AutoNamesAreZeroBasedPerClass) {
  backend::clear_session();
  layers::Dense a(1), b(1);
  layers::Flatten f;
  EXPECT_EQ(a.name(), "dense");
  EXPECT_EQ(b.name(), "dense_1");
  EXPECT_EQ(f.name(), "flatten");
  EXPECT_EQ(layers::Dense(1, {.name = "out"}).name(), "out");
  EXPECT_EQ(Sequential().name(), "sequential");
  EXPECT_EQ(Sequential().name(), "sequential_1");
}

TEST(Initializers, DefaultsAndSeeds) {
  auto k = Initializer("glorot_uniform")(Shape{784, 128});
  const double limit = std::sqrt(6.0 / (784 + 128));
  double mx = 0;
  for (float v : k.values<float>()) mx = std::max(mx, std::abs(double(v)));
  EXPECT_LE(mx, limit);
  EXPECT_GT(mx, 0.95 * limit);
  auto a = initializers::RandomNormal({.stddev = 0.1, .seed = 5})(Shape{100});
  auto b = initializers::RandomNormal({.stddev = 0.1, .seed = 5})(Shape{100});
  EXPECT_TRUE(a.BitwiseEquals(b));
  EXPECT_EQ(Initializer("ones")(Shape{2}).ToVector<float>(), (std::vector<float>{1, 1}));
  EXPECT_EQ(Initializer("zeros")(Shape{2}).ToVector<float>(), (std::vector<float>{0, 0}));
  auto u = Initializer("random_uniform")(Shape{1000});
  for (float v : u.values<float>()) EXPECT_LE(std::abs(v), 0.05f);
  EXPECT_THROW(Initializer("he_unknown")(Shape{2}), NotFoundError);
}

// Sizes in a config come from a file: absurd ones are refused when the config is read, before
// any shape arithmetic sees them.
TEST(LayerConfigs, RefuseSizesBeyondAnyModel) {
  auto build = [](const std::string& class_name, const nlohmann::json& config) {
    nlohmann::json layer = {{"class_name", class_name}, {"config", config}};
    layer["config"]["name"] = "x";
    layer["config"]["batch_input_shape"] = {nullptr, 8, 8, 3};
    if (class_name == "Dense") layer["config"]["batch_input_shape"] = {nullptr, 784};
    const nlohmann::json model = {{"class_name", "Sequential"},
                                  {"config", {{"name", "m"}, {"layers", {layer}}}}};
    try {
      ModelFromConfig(model)->Build();
      return std::string("no error");
    } catch (const Error& e) {
      return std::string(e.what());
    }
  };
  const int64_t huge = int64_t{1} << 62;
  const std::string units =
      "Dense 'x': missing or invalid units (not an integer from 1 to 2147483647)";
  EXPECT_NE(build("Dense", {{"units", huge}}).find(units), std::string::npos);
  EXPECT_NE(build("Dense", {{"units", uint64_t{1} << 63}}).find(units), std::string::npos);
  EXPECT_NE(build("Dense", {{"units", -3}}).find(units), std::string::npos);
  EXPECT_EQ(build("Dense", {{"units", 7}}), "no error");
  const std::string conv =
      "Conv2D 'x': filters, kernel_size, strides and dilation_rate must be at most 2147483647";
  EXPECT_NE(build("Conv2D", {{"filters", huge}, {"kernel_size", {3, 3}}}).find(conv),
            std::string::npos);
  EXPECT_NE(build("Conv2D", {{"filters", 4}, {"kernel_size", {huge, huge}}}).find(conv),
            std::string::npos);
  EXPECT_NE(build("Conv2D", {{"filters", 4}, {"kernel_size", 3}, {"strides", huge}}).find(conv),
            std::string::npos);
  EXPECT_NE(
      build("Conv2D", {{"filters", 4}, {"kernel_size", 3}, {"dilation_rate", huge}}).find(conv),
      std::string::npos);
  EXPECT_NE(build("DepthwiseConv2D", {{"kernel_size", 3}, {"depth_multiplier", huge}})
                .find("DepthwiseConv2D 'x': depth_multiplier, kernel_size, strides and "
                      "dilation_rate must be at most"),
            std::string::npos);
  EXPECT_NE(build("ZeroPadding2D", {{"padding", huge}}).find("padding must be between 0 and"),
            std::string::npos);
  // Non-integers are refused as missing, not thrown as JSON type errors.
  EXPECT_NE(build("Conv2D", {{"filters", "64"}, {"kernel_size", {"a", "b"}}})
                .find("Conv2D 'x': missing filters or kernel_size"),
            std::string::npos);
  EXPECT_EQ(build("Conv2D", {{"filters", 4}, {"kernel_size", {3, 3}}}), "no error");
}

struct Moments {
  double mean = 0, std = 0, max_abs = 0;
};
Moments MomentsOf(const Tensor& t) {
  Moments m;
  for (float v : t.values<float>()) m.mean += v;
  m.mean /= double(t.num_elements());
  for (float v : t.values<float>()) {
    m.std += (v - m.mean) * (v - m.mean);
    m.max_abs = std::max(m.max_abs, std::abs(double(v)));
  }
  m.std = std::sqrt(m.std / double(t.num_elements()));
  return m;
}

TEST(Initializers, VarianceScalingFamilyHasKerasVariances) {
  // (400, 300): fan_in 400, fan_out 300. 120000 draws estimate a standard deviation to ~0.3%.
  const Shape s{400, 300};
  struct Case {
    Initializer init;
    double std;    // Keras's: sqrt(scale / fan) for every distribution
    double bound;  // truncated normals stop at 2 (pre-truncation) stddevs; uniforms at the limit
  };
  const double tn = 2 / 0.87962566103423978;  // truncation bound in units of the final stddev
  const Case cases[] = {
      {"he_normal", std::sqrt(2.0 / 400), tn * std::sqrt(2.0 / 400)},
      {"he_uniform", std::sqrt(2.0 / 400), std::sqrt(6.0 / 400)},
      {"lecun_normal", std::sqrt(1.0 / 400), tn * std::sqrt(1.0 / 400)},
      {"lecun_uniform", std::sqrt(1.0 / 400), std::sqrt(3.0 / 400)},
      {"glorot_normal", std::sqrt(2.0 / 700), tn * std::sqrt(2.0 / 700)},
      {"glorot_uniform", std::sqrt(2.0 / 700), std::sqrt(6.0 / 700)},
      {initializers::VarianceScaling({.scale = 3, .mode = "fan_out", .distribution = "uniform"}),
       std::sqrt(3.0 / 300), std::sqrt(9.0 / 300)},
      {initializers::VarianceScaling({.scale = 2, .mode = "fan_avg"}), std::sqrt(2.0 / 350),
       tn * std::sqrt(2.0 / 350)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.init.name + " " + c.init.mode);
    const Moments m = MomentsOf(c.init(s));
    EXPECT_NEAR(m.std, c.std, 0.01 * c.std);
    EXPECT_NEAR(m.mean, 0, 0.01 * c.std);
    EXPECT_LE(m.max_abs, c.bound * (1 + 1e-6));
    EXPECT_GT(m.max_abs, 0.98 * c.bound);  // the bound is reached: not a narrower distribution
  }
  // Untruncated normals go past 2 stddevs (about 4.6% of draws).
  const Moments u = MomentsOf(
      initializers::VarianceScaling({.distribution = "untruncated_normal"})(Shape{400, 300}));
  EXPECT_NEAR(u.std, std::sqrt(1.0 / 400), 0.01 * std::sqrt(1.0 / 400));
  EXPECT_GT(u.max_abs, 3.5 * std::sqrt(1.0 / 400));
  // Convolution kernels: fans times the receptive field, (3, 3, 16, 32) -> fan_in 144.
  const Moments conv = MomentsOf(Initializer("he_uniform")(Shape{3, 3, 16, 32}));
  EXPECT_LE(conv.max_abs, std::sqrt(6.0 / 144) * (1 + 1e-6));
  EXPECT_GT(conv.max_abs, 0.98 * std::sqrt(6.0 / 144));
  // Keras 3's explicit fan axes: fan_in over axes 0 and 1 only (9).
  Initializer axes = initializers::VarianceScaling({.distribution = "uniform"});
  axes.input_axes = std::vector<int64_t>{0, 1};
  axes.output_axes = std::vector<int64_t>{3};
  EXPECT_GT(MomentsOf(axes(Shape{3, 3, 16, 32})).max_abs, 0.98 * std::sqrt(3.0 / 9));
}

TEST(Initializers, OrthogonalIdentityTruncatedNormalConstant) {
  // Orthogonal: the kernel flattened to (rows, last) has orthonormal columns (tall) or rows
  // (wide), times the gain.
  for (const Shape& s : {Shape{6, 4}, Shape{4, 6}, Shape{2, 2, 3, 5}, Shape{6, 6}}) {
    SCOPED_TRACE(s.ToString());
    const Tensor k = initializers::Orthogonal({.gain = 1.5, .seed = 6})(s);
    const int64_t cols = s.dim(-1), rows = k.num_elements() / cols;
    const bool tall = rows >= cols;
    const int64_t n = tall ? cols : rows, len = tall ? rows : cols;
    auto at = [&](int64_t v, int64_t i) {  // element i of column (tall) or row (wide) v
      return double(k.data<float>()[tall ? i * cols + v : v * cols + i]);
    };
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < n; ++b) {
        double dot = 0;
        for (int64_t i = 0; i < len; ++i) dot += at(a, i) * at(b, i);
        EXPECT_NEAR(dot, a == b ? 2.25 : 0.0, 1e-5) << a << " " << b;
      }
  }
  EXPECT_EQ(initializers::Identity(2.0)(Shape{2, 3}).ToVector<float>(),
            (std::vector<float>{2, 0, 0, 0, 2, 0}));
  const std::string msg = testing::ErrorOf([] {
    Sequential m({layers::Conv2D(
        2, {3, 3}, {.kernel_initializer = "identity", .input_shape = {5, 5, 1}, .name = "c"})});
  });
  EXPECT_NE(msg.find("Conv2D 'c' kernel_initializer: the identity initializer only fills 2-D"),
            std::string::npos)
      << msg;
  const Moments t =
      MomentsOf(initializers::TruncatedNormal({.mean = 1, .stddev = 0.3})(Shape{100000}));
  EXPECT_LE(t.max_abs, 1.6 + 1e-6);  // within mean +- 2 stddev
  EXPECT_NEAR(t.mean, 1.0, 0.005);
  // The stddev of N(0, 0.3) truncated at 2 stddevs is 0.3 * 0.8796.
  EXPECT_NEAR(t.std, 0.3 * 0.87962566103423978, 0.003);
  EXPECT_EQ(initializers::Constant(0.25)(Shape{2}).ToVector<float>(),
            (std::vector<float>{0.25f, 0.25f}));
  // A seeded initializer repeats itself; another seed differs.
  EXPECT_TRUE(initializers::HeNormal({.seed = 3})(Shape{5, 5})
                  .BitwiseEquals(initializers::HeNormal({.seed = 3})(Shape{5, 5})));
  EXPECT_FALSE(initializers::HeNormal({.seed = 3})(Shape{5, 5})
                   .BitwiseEquals(initializers::HeNormal({.seed = 4})(Shape{5, 5})));
}

TEST(Initializers, ConfigsRoundTripAndConv2DKeepsThem) {
  const Initializer all[] = {
      "glorot_uniform",
      "glorot_normal",
      "he_normal",
      "he_uniform",
      "lecun_normal",
      "lecun_uniform",
      "zeros",
      "ones",
      initializers::VarianceScaling(
          {.scale = 2, .mode = "fan_out", .distribution = "uniform", .seed = 5}),
      initializers::Orthogonal({.gain = 1.5, .seed = 6}),
      initializers::Identity(0.5),
      initializers::TruncatedNormal({.mean = 0.1, .stddev = 0.3, .seed = 7}),
      initializers::RandomNormal({.stddev = 0.2}),
      initializers::RandomUniform({.minval = -1}),
      initializers::Constant(0.1)};
  for (const Initializer& i : all) {
    const nlohmann::json c = i.ToConfig();
    SCOPED_TRACE(c.dump());
    EXPECT_EQ(Initializer::FromConfig(c, "test").ToConfig(), c);
  }
  EXPECT_EQ(initializers::HeNormal({.seed = 1}).ToConfig(),
            nlohmann::json::parse(R"({"class_name": "HeNormal", "config": {"seed": 1}})"));
  EXPECT_EQ(
      initializers::VarianceScaling({.scale = 2, .mode = "fan_avg", .distribution = "uniform"})
          .ToConfig()["config"],
      nlohmann::json::parse(
          R"({"scale": 2.0, "mode": "fan_avg", "distribution": "uniform", "seed": null})"));
  // Conv2D used to write {} and lose stddev and seed.
  layers::Conv2D conv(2, {3, 3},
                      {.kernel_initializer = initializers::RandomNormal({.stddev = 0.1, .seed = 3}),
                       .bias_initializer = initializers::Constant(0.5)});
  const nlohmann::json c = conv.get_config();
  EXPECT_EQ(c["kernel_initializer"]["config"]["stddev"], 0.1);
  EXPECT_EQ(c["kernel_initializer"]["config"]["seed"], 3);
  EXPECT_EQ(c["bias_initializer"]["config"]["value"], 0.5);
  // Names and Keras's aliases; unknown classes and bad options are refused by name.
  EXPECT_EQ(Initializer::FromConfig("HeUniform", "t").name, "he_uniform");
  EXPECT_EQ(Initializer::FromConfig("normal", "t").name, "random_normal");
  EXPECT_EQ(Initializer::FromConfig(nlohmann::json::parse(
                                        R"({"class_name": "VarianceScaling", "config":
                                            {"distribution": "normal"}})"),
                                    "t")
                .distribution,
            "truncated_normal");
  EXPECT_NE(testing::ErrorOf([] {
              Initializer::FromConfig("STFT", "Dense 'd'");
            }).find("Dense 'd': unknown initializer 'STFT' (known: glorot_uniform,"),
            std::string::npos);
  EXPECT_THROW(Initializer::FromConfig(nlohmann::json::parse(
                                           R"({"class_name": "VarianceScaling",
                                               "config": {"mode": "fan_x"}})"),
                                       "t"),
               ValueError);
  // A value of the wrong JSON type is a kiln::Error naming the layer, listed with the others.
  const std::string msg = testing::ErrorOf([] {
    ModelFromConfig(nlohmann::json::parse(R"({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 3],
         "kernel_initializer": {"class_name": "VarianceScaling", "config": {"mode": 2}}}}]}})"));
  });
  EXPECT_NE(msg.find("Dense 'd' kernel_initializer: invalid initializer config"), std::string::npos)
      << msg;
}

}  // namespace
}  // namespace kiln::keras
