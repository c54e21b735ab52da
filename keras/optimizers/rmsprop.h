// RMSprop: a moving average of squared gradients scales each step.
//
//   model.compile({.optimizer = optimizers::RMSprop({.learning_rate = 0.001, .rho = 0.9}), ...});
//
// a = rho*a + (1-rho)*g^2, then Keras 3's (and tf.keras 2.11+'s) rule p -= lr*g/sqrt(a+epsilon),
// or, with .rules = UpdateRules::kKeras2, standalone Keras 2's and tf.keras optimizer_v2's
// p -= lr*g/(sqrt(a)+epsilon). centered subtracts the squared moving average of the gradient
// (mg = rho*mg + (1-rho)*g) under the root; momentum accumulates the steps
// (mom = momentum*mom + step; p -= mom). Those two follow Keras 3 only.
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct RMSpropOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double rho = 0.9;
  double momentum = 0.0;
  double epsilon = 1e-7;
  bool centered = false;
  KILN_OPTIMIZER_COMMON_OPTIONS;
  UpdateRules rules = UpdateRules::kKeras3;
};

class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions options = {});
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;
  std::optional<int> EmitFused(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  double rho_, momentum_, epsilon_;
  bool centered_;
};

}  // namespace kiln::keras::optimizers
