// Constraints by hand (Keras's numbers are checked on real Keras files by training_traces_test):
// each projection after an update, and the errors.
#include "keras/constraints.h"

#include <gtest/gtest.h>

#include <cmath>

#include "keras/keras.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::ErrorOf;

// One SGD step with learning rate 0 leaves the kernel as it was, then projected.
Tensor Projected(const nlohmann::json& constraint, const Tensor& kernel) {
  Sequential m({layers::Dense(
      2, {.use_bias = false, .kernel_constraint = constraint, .input_dim = 2, .name = "d"})});
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.0}), .loss = "mse"});
  m.set_weights({kernel});
  Tensor x(kFloat32, {1, 2}), y(kFloat32, {1, 2});
  m.fit(x, y, {.batch_size = 1, .epochs = 1, .verbose = 0});
  return m.get_weights()[0];
}

TEST(Constraints, ProjectionsAfterTheUpdate) {
  const Tensor k = Tensor::FromVector<float>({3, -1, 4, 0.5f}, {2, 2});  // columns (3, 4), (-1, .5)
  const Tensor non_neg = Projected(constraints::NonNeg(), k);
  const auto v = non_neg.values<float>();
  EXPECT_EQ(std::vector<float>(v.begin(), v.end()), (std::vector<float>{3, 0, 4, 0.5f}));
  // Column norms 5 and sqrt(1.25): MaxNorm(2) scales the first to norm 2, keeps the second.
  const Tensor max_norm = Projected(constraints::MaxNorm(2.0), k);
  EXPECT_NEAR(max_norm.data<float>()[0], 3 * 2 / (5 + 1e-7), 1e-6);
  EXPECT_NEAR(max_norm.data<float>()[1], -1 * std::sqrt(1.25) / (std::sqrt(1.25) + 1e-7), 1e-6);
  const Tensor unit = Projected("unit_norm", k);
  EXPECT_NEAR(unit.data<float>()[2], 0.8, 1e-6);
  // MinMaxNorm(1, 1.5, rate 0.5) along rows (axis 1): row norms sqrt(10) and sqrt(16.25).
  const Tensor rows = Projected(constraints::MinMaxNorm(1.0, 1.5, 0.5, 1), k);
  const double n0 = std::sqrt(10.0);
  EXPECT_NEAR(rows.data<float>()[0], 3 * (0.5 * 1.5 + 0.5 * n0) / n0, 1e-5);
}

TEST(Constraints, BadOnesAreNamed) {
  const Tensor k(kFloat32, {2, 2});
  EXPECT_EQ(ErrorOf([&] { Projected("max_nrom", k); }),
            "Dense 'd': kernel_constraint: unknown constraint 'max_nrom' (known: max_norm, "
            "non_neg, unit_norm, min_max_norm)");
  EXPECT_EQ(ErrorOf([&] {
              Projected({{"class_name", "RadialConstraint"}}, k);
            }),
            "Dense 'd': kernel_constraint: constraint RadialConstraint is not one Kiln applies "
            "(MaxNorm, NonNeg, UnitNorm, MinMaxNorm)");
  EXPECT_EQ(ErrorOf([&] { Projected(constraints::MaxNorm(2.0, 3), k); }),
            "Dense 'd': kernel_constraint: MaxNorm axis 3 is out of range for a 2-d weight");
  EXPECT_EQ(ErrorOf([&] {
              Projected({{"class_name", "MaxNorm"}, {"config", {{"max_value", "big"}}}}, k);
            }),
            "Dense 'd': kernel_constraint: MaxNorm argument 'max_value' must be a number, got "
            "\"big\"");
}

}  // namespace
}  // namespace kiln::keras
