// Each layer's output against a hand computation, through the real model and executor.
#include <gtest/gtest.h>

#include "keras/keras.h"

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

}  // namespace
}  // namespace kiln::keras
