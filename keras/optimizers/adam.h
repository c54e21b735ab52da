// Adam: moving averages of the gradient and of its square, with bias correction.
//
//   model.compile({.optimizer = optimizers::Adam({.learning_rate = 0.001}), ...});
//
// Keras's rule in every generation ("epsilon-hat" form): lr_t = lr*sqrt(1-beta_2^t)/(1-beta_1^t);
// m, v moving moments; p -= lr_t*m/(sqrt(v)+epsilon). The generations differ only in how 1 - beta
// is rounded (UpdateRules; Keras 3's by default).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

struct AdamOptions {
  double learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  UpdateRules rules = UpdateRules::kKeras3;
};

class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions options = {});
  std::string class_name() const override { return "Adam"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override { return {"momentum", "velocity"}; }
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;

 protected:
  int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  double beta_1_, beta_2_, epsilon_;
};

}  // namespace kiln::keras::optimizers
