// Each layer's output against a hand computation, through the real model and executor.
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "keras/model_config.h"

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
      "Conv2D 'x': filters, kernel_size and strides must be at most 2147483647";
  EXPECT_NE(build("Conv2D", {{"filters", huge}, {"kernel_size", {3, 3}}}).find(conv),
            std::string::npos);
  EXPECT_NE(build("Conv2D", {{"filters", 4}, {"kernel_size", {huge, huge}}}).find(conv),
            std::string::npos);
  EXPECT_NE(build("Conv2D", {{"filters", 4}, {"kernel_size", 3}, {"strides", huge}}).find(conv),
            std::string::npos);
  // Non-integers are refused as missing, not thrown as JSON type errors.
  EXPECT_NE(build("Conv2D", {{"filters", "64"}, {"kernel_size", {"a", "b"}}})
                .find("Conv2D 'x': missing filters or kernel_size"),
            std::string::npos);
  EXPECT_EQ(build("Conv2D", {{"filters", 4}, {"kernel_size", {3, 3}}}), "no error");
}

}  // namespace
}  // namespace kiln::keras
