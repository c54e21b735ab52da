// Adam: moving averages of the gradient and of its square, with bias correction.
//
//   model.compile({.optimizer = optimizers::Adam({.learning_rate = 0.001}), ...});
//
// Keras 2.3.1's rule ("epsilon-hat" form): lr_t = lr*sqrt(1-beta_2^t)/(1-beta_1^t); m, v moving
// moments; p -= lr_t*m/(sqrt(v)+epsilon).
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
};

class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions options = {});
  std::string class_name() const override { return "Adam"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override { return {"m", "v", "step"}; }

 protected:
  void Prepare(GraphBuilder& b) override;
  int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) override;
  // The step count is one scalar per variable, read and advanced by its update op.
  Shape SlotShape(const std::string& slot, const Shape& var) const override {
    return slot == "step" ? Shape{} : var;
  }

 private:
  AdamOptions o_;
  ValueRef lr_value_;
};

}  // namespace kiln::keras::optimizers
