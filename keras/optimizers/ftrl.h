// FTRL-proximal (McMahan et al.), with L1, L2 and L2-shrinkage regularization, as Keras 3's Ftrl.
//
//   optimizers::Ftrl({.learning_rate = 0.1, .l1_regularization_strength = 0.01})
//
// Per weight an accumulator n (starting at initial_accumulator_value) and a linear term z:
// n' = n + g^2; z += g + 2*l2_shrinkage*p - (n'^-lr_power - n^-lr_power)/lr*p;
// p = (clip(z, -l1, l1) - z) / (n'^-lr_power/lr + 2*(l2 + beta/(2*lr))).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct FtrlOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double learning_rate_power = -0.5;
  double initial_accumulator_value = 0.1;
  double l1_regularization_strength = 0.0;
  double l2_regularization_strength = 0.0;
  double l2_shrinkage_regularization_strength = 0.0;
  double beta = 0.0;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class Ftrl : public Optimizer {
 public:
  explicit Ftrl(FtrlOptions options = {});
  std::string class_name() const override { return "Ftrl"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;
  double slot_initial_value(const std::string& slot) const override {
    return slot == "accumulator" ? o_.initial_accumulator_value : 0.0;
  }

 protected:
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  FtrlOptions o_;
};

}  // namespace kiln::keras::optimizers
