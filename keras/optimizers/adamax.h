// Adamax: Adam with the infinity norm in place of the second moment.
//
//   optimizers::Adamax({.learning_rate = 0.002})
//
// Keras 3's rule: m += (g-m)*(1-beta_1); u = max(beta_2*u, |g|);
// p -= lr*m/((1-beta_1^t)*(u+epsilon)).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct AdamaxOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class Adamax : public Optimizer {
 public:
  explicit Adamax(AdamaxOptions options = {});
  std::string class_name() const override { return "Adamax"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  AdamaxOptions o_;
};

}  // namespace kiln::keras::optimizers
