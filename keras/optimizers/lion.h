// Lion (Chen et al., 2023): the sign of an interpolated momentum is the step.
//
//   optimizers::Lion({.learning_rate = 1e-4})
//
// Keras 3's rule: p -= lr*sign(beta_1*m + (1-beta_1)*g); m = beta_2*m + (1-beta_2)*g.
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct LionOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double beta_1 = 0.9;
  double beta_2 = 0.99;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class Lion : public Optimizer {
 public:
  explicit Lion(LionOptions options = {});
  std::string class_name() const override { return "Lion"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  LionOptions o_;
};

}  // namespace kiln::keras::optimizers
