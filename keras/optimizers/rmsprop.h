// RMSprop: a moving average of squared gradients scales each step.
//
//   model.compile({.optimizer = optimizers::RMSprop({.learning_rate = 0.001, .rho = 0.9}), ...});
//
// a = rho*a + (1-rho)*g^2, then Keras 3's (and tf.keras 2.11+'s) rule p -= lr*g/sqrt(a+epsilon),
// or, with .rules = UpdateRules::kKeras2, standalone Keras 2's and tf.keras optimizer_v2's
// p -= lr*g/(sqrt(a)+epsilon).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

struct RMSpropOptions {
  double learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double rho = 0.9;
  double epsilon = 1e-7;
  UpdateRules rules = UpdateRules::kKeras3;
};

class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions options = {});
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override { return {"velocity"}; }
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  double rho_, epsilon_;
};

}  // namespace kiln::keras::optimizers
