// Adam: moving averages of the gradient and of its square, with bias correction.
//
//   model.compile({.optimizer = optimizers::Adam({.learning_rate = 0.001}), ...});
//   optimizers::Adam({.learning_rate = 1e-3, .amsgrad = true, .clipnorm = 1.0})
//
// Keras's rule in every generation ("epsilon-hat" form): lr_t = lr*sqrt(1-beta_2^t)/(1-beta_1^t);
// m, v moving moments; p -= lr_t*m/(sqrt(v)+epsilon); amsgrad divides by the running maximum of v
// instead. The generations differ only in how 1 - beta is rounded (UpdateRules; Keras 3's by
// default).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct AdamOptions {
  LearningRate learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  KILN_OPTIMIZER_COMMON_OPTIONS;
  UpdateRules rules = UpdateRules::kKeras3;
};

class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions options = {});
  std::string class_name() const override { return "Adam"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  Adam(const std::string& class_name, AdamOptions options);
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;
  std::optional<int> EmitFused(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  double beta_1_, beta_2_, epsilon_;
  bool amsgrad_;
};

// AdamW: Adam with decoupled weight decay (var -= var*weight_decay*lr before each update), Keras
// 3's and tf.keras 2.11+'s AdamW. weight_decay defaults to 0.004 as there.
//
//   optimizers::AdamW({.learning_rate = 1e-3, .weight_decay = 0.01})
using AdamWOptions = AdamOptions;
class AdamW : public Adam {
 public:
  explicit AdamW(AdamWOptions options = {});
  std::string class_name() const override { return "AdamW"; }
};

}  // namespace kiln::keras::optimizers
