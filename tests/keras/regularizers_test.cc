// Regularizers by hand: the penalty each form adds to the loss (Keras's numbers are checked on
// real Keras files by training_traces_test), the errors, and frozen layers in C++: what
// set_trainable(false) keeps, counts and saves.
#include "keras/regularizers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

std::string Tmp(const std::string& name) {
  return (std::filesystem::path(getenv("TEST_TMPDIR")) / name).string();
}

// A Dense(2) with fixed weights whose output is zero on the zero input, so evaluate() returns
// mse(0, 0) = 0 plus the penalties alone.
double Penalty(const nlohmann::json& kernel, const nlohmann::json& activity = nullptr) {
  Sequential m({layers::Dense(2, {.use_bias = false,
                                  .kernel_regularizer = kernel,
                                  .activity_regularizer = activity,
                                  .input_dim = 2,
                                  .name = "d"})});
  m.compile({.optimizer = "sgd", .loss = "mse"});
  m.set_weights({Tensor::FromVector<float>({1, -2, 0.5f, 3}, {2, 2})});
  Tensor zeros(kFloat32, {4, 2});
  return m.evaluate(zeros, zeros, {.verbose = 0})[0];
}

TEST(Regularizers, PenaltiesAsKerasComputesThem) {
  // sum |w| = 6.5, sum w^2 = 14.25
  EXPECT_NEAR(Penalty(regularizers::L1(0.1)), 0.65, 1e-6);
  EXPECT_NEAR(Penalty(regularizers::L2(0.1)), 1.425, 1e-6);
  EXPECT_NEAR(Penalty(regularizers::L1L2(0.1, 0.01)), 0.65 + 0.1425, 1e-6);
  EXPECT_NEAR(Penalty("l2"), 0.1425, 1e-6);  // Keras's default 0.01
  EXPECT_NEAR(Penalty({{"class_name", "L1L2"}, {"config", {{"l1", 0.0}, {"l2", 0.1}}}}), 1.425,
              1e-6);  // tf.keras's and Keras 2's form
  // Rows (1, -2) and (0.5, 3) have cosine (0.5 - 6) / (sqrt(5) sqrt(9.25)); one pair.
  const double cosine = (0.5 - 6) / (std::sqrt(5.0) * std::sqrt(9.25));
  EXPECT_NEAR(Penalty(regularizers::OrthogonalRegularizer(0.1)), 0.1 * std::abs(cosine), 1e-6);
  // An activity penalty on a zero output is zero.
  EXPECT_NEAR(Penalty(nullptr, regularizers::L2(1.0)), 0.0, 1e-7);
}

TEST(Regularizers, BadOnesAreNamed) {
  EXPECT_EQ(ErrorOf([] { Penalty("l3"); }),
            "Dense 'd': kernel_regularizer: unknown regularizer 'l3' (known: l1, l2, l1_l2, "
            "orthogonal_regularizer)");
  EXPECT_NE(ErrorOf([] {
              Penalty(regularizers::L2(-1));
            }).find("invalid value for argument l2: expected a non-negative float, got -1"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              Penalty({{"class_name", "Sparsity"}});
            }).find("regularizer Sparsity is not one Kiln applies"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              Penalty(nullptr, regularizers::OrthogonalRegularizer());
            }).find("OrthogonalRegularizer as an activity regularizer is not supported"),
            std::string::npos);
}

TEST(Frozen, SetTrainableFalseKeepsWeightsCountsAndSaves) {
  auto base = std::make_shared<layers::Dense>(
      3, layers::DenseOptions{.activation = "tanh", .input_dim = 2, .name = "base"});
  Sequential m({LayerRef(base), layers::Dense(1, {.name = "head"})});
  base->set_trainable(false);
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.5}), .loss = "mse"});
  const std::vector<Tensor> before = m.get_weights();
  const Tensor x = Tensor::FromVector<float>({1, 2, -1, 0, 0.5f, -3}, {3, 2});
  const Tensor y = Tensor::FromVector<float>({1, -1, 2}, {3, 1});
  m.fit(x, y, {.batch_size = 3, .epochs = 3, .verbose = 0});
  const std::vector<Tensor> after = m.get_weights();
  EXPECT_TRUE(after[0].BitwiseEquals(before[0]));
  EXPECT_TRUE(after[1].BitwiseEquals(before[1]));
  EXPECT_FALSE(after[2].BitwiseEquals(before[2]));
  std::ostringstream summary;
  m.summary(summary);
  EXPECT_NE(summary.str().find("Trainable params: 4\n"), std::string::npos) << summary.str();
  EXPECT_NE(summary.str().find("Non-trainable params: 9\n"), std::string::npos);
  m.save(Tmp("frozen.h5"));
  auto again = load_model(Tmp("frozen.h5"));
  EXPECT_FALSE(again->get_layer("base")->trainable());
  EXPECT_TRUE(again->get_layer("head")->trainable());
  // A frozen model freezes its layers, as Keras's Model.trainable does.
  Sequential outer({LayerRef(std::shared_ptr<Layer>(std::move(again))), layers::Dense(1)});
  outer.layers()[0]->set_trainable(false);
  EXPECT_FALSE(static_cast<Model&>(*outer.layers()[0]).get_layer("head")->trainable());
  const std::vector<bool> mask = outer.layers()[0]->TrainableMask();
  EXPECT_EQ(std::count(mask.begin(), mask.end(), true), 0);
}

}  // namespace
}  // namespace kiln::keras
