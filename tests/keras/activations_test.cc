// Kiln's activations against real Keras's (tests/fixtures/keras/gen/activations.json, written by
// scripts/keras_fixtures/make_activation_values.py): on one vector spanning [-8, 8], each
// activation's values and the gradient of their sum must be Keras 3.15's and tf.keras 2.21's
// (hard_sigmoid: Keras 3's only), and a Dense layer with it trains (the composed activations are
// ops autodiff differentiates).
#include "keras/activations.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "autodiff/backward.h"
#include "io/h5.h"
#include "keras/keras.h"
#include "kernels/executor.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ReadJsonFixture;
using ::kiln::testing::TensorFromNested;
using nlohmann::json;

const json& Fixture() {
  static const json j = ReadJsonFixture("tests/fixtures/keras/gen/activations.json");
  return j;
}

class KerasActivation : public ::testing::TestWithParam<int> {};

TEST_P(KerasActivation, SameValuesAndGradient) {
  const json& c = Fixture()["cases"][GetParam()];
  const std::string name = c["name"];
  SCOPED_TRACE(c["keras"].get<std::string>() + " " + name);
  if (c.contains("missing")) GTEST_SKIP() << "this Keras has no " << name;
  if (name == "hard_sigmoid" && c["keras"].get<std::string>().starts_with("tfkeras")) {
    // tf.keras's clip(0.2 x + 0.5, 0, 1) is not Kiln's (Keras 3's) hard_sigmoid: files Keras 2.x
    // wrote with it are refused (HardSigmoidOfKeras2FilesIsRefused below).
    GTEST_SKIP() << "tf.keras's hard_sigmoid is not Kiln's";
  }
  const Tensor x = TensorFromNested(Fixture()["x"]);
  Graph g;
  GraphBuilder b(g);
  ValueRef in = b.Placeholder("x", kFloat32, x.shape());
  ValueRef y = activations::Apply(b, name, in);
  std::vector<ValueRef> grad = BuildBackward(b, b.Op("ReduceSum", {y}), std::vector<ValueRef>{in});
  Executor e(g, {y, grad[0]}, {}, nullptr);
  const std::vector<Tensor> out = e.Run({{in, x}});
  const std::span<const float> xs = x.values<float>();
  const std::vector<double> want = c["y"], want_grad = c["grad"];
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_NEAR(out[0].data<float>()[i], want[i], 1e-6 * std::abs(want[i]) + 1e-7)
        << "value at " << xs[i];
    // Where the function has a kink (0 for the ReLU family, -3 and 3 for hard_swish's gate), any
    // one-sided slope is a gradient.
    if (xs[i] == 0 || std::abs(xs[i]) == 3) continue;
    // A gradient through several float32 ops (mish: tanh of softplus) keeps fewer digits.
    EXPECT_NEAR(out[1].data<float>()[i], want_grad[i], 1e-5 * std::abs(want_grad[i]) + 2e-7)
        << "gradient at " << xs[i];
  }
}

INSTANTIATE_TEST_SUITE_P(Keras, KerasActivation,
                         ::testing::Range(0, static_cast<int>(Fixture()["cases"].size())),
                         [](const ::testing::TestParamInfo<int>& p) {
                           const json& c = Fixture()["cases"][p.param];
                           return ::kiln::testing::SafeTestName(std::to_string(p.param) + "_" +
                                                                c["name"].get<std::string>() + "_" +
                                                                c["keras"].get<std::string>());
                         });

// Composed activations inside layers: a Dense(gelu) / Conv2D(swish) model trains (its loss falls),
// is saved with the name, and loads back predicting the same.
TEST(ComposedActivations, TrainSaveAndLoadInLayers) {
  utils::set_random_seed(6);
  std::mt19937 rng(6);
  const Tensor x = testing::RandomTensor(kFloat32, {32, 4, 4, 1}, rng);
  const Tensor y = testing::RandomTensor(kFloat32, {32, 1}, rng);
  Sequential m({layers::Conv2D(2, {3, 3}, {.activation = "swish", .input_shape = {4, 4, 1}}),
                layers::Flatten(), layers::Dense(8, {.activation = "gelu"}),
                layers::Dense(4, {.activation = "elu"}), layers::Dense(1, {.activation = "mish"})});
  m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}), .loss = "mse"});
  History h = m.fit(x, y, {.batch_size = 8, .epochs = 20, .verbose = 0});
  EXPECT_LT(h.history["loss"].back(), 0.8 * h.history["loss"].front());
  const std::string path = ::testing::TempDir() + "/composed.h5";
  m.save(path);
  std::unique_ptr<Model> loaded = load_model(path);
  EXPECT_TRUE(loaded->predict(x).BitwiseEquals(m.predict(x)));
}

// hard_sigmoid is Keras 3's relu6(x + 3) / 6: it saves for Keras 3 and loads back; a file for (or
// from) tf.keras 2.x, whose hard_sigmoid is clip(0.2 x + 0.5, 0, 1), is refused both ways rather
// than read with the other function.
TEST(HardSigmoid, IsKeras3sAndRefusedInKeras2Files) {
  Sequential m({layers::Dense(3, {.activation = "hard_sigmoid", .input_shape = {2}})});
  const Tensor x = Tensor::FromVector<float>({-4, 1, 0.5f, 2}, {2, 2});
  const std::string dir = ::testing::TempDir();
  EXPECT_NE(testing::ErrorOf([&] { m.save(dir + "/hs_tf.h5"); }).find("save it for Keras 3"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/hs_tf.h5"));
  m.save(dir + "/hs.h5", {.target = KerasTarget::kKeras3});
  EXPECT_TRUE(load_model(dir + "/hs.h5")->predict(x).BitwiseEquals(m.predict(x)));
  // The same file, as Keras 2.21 would have written it.
  {
    const hid_t f = H5Fopen((dir + "/hs.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    H5Adelete(f, "keras_version");
    h5::WriteVlenStringAttr(f, "keras_version", "2.21.0");
    H5Fclose(f);
  }
  EXPECT_NE(testing::ErrorOf([&] {
              load_model(dir + "/hs.h5");
            }).find("its hard_sigmoid is Keras 2.21.0's, clip(0.2 x + 0.5, 0, 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::keras
