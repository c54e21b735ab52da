// Adagrad: each weight's step shrinks with the sum of its squared gradients.
//
//   optimizers::Adagrad({.learning_rate = 0.01})
//
// Keras 3's rule: acc += g^2; p -= lr*g/sqrt(acc+epsilon); acc starts at initial_accumulator_value.
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct AdagradOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double initial_accumulator_value = 0.1;
  double epsilon = 1e-7;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class Adagrad : public Optimizer {
 public:
  explicit Adagrad(AdagradOptions options = {});
  std::string class_name() const override { return "Adagrad"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;
  double slot_initial_value(const std::string&) const override {
    return o_.initial_accumulator_value;
  }

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  AdagradOptions o_;
};

}  // namespace kiln::keras::optimizers
