// RMSprop: a moving average of squared gradients scales each step.
//
//   model.compile({.optimizer = optimizers::RMSprop({.learning_rate = 0.001, .rho = 0.9}), ...});
//
// Keras 2.3.1's rule: a = rho*a + (1-rho)*g^2; p -= lr*g/(sqrt(a)+epsilon).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

struct RMSpropOptions {
  double learning_rate = 0.001;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double rho = 0.9;
  double epsilon = 1e-7;
};

class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions options = {});
  std::string class_name() const override { return "RMSprop"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override { return {"rms"}; }

 protected:
  void Prepare(GraphBuilder& b) override;
  int EmitUpdate(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  RMSpropOptions o_;
  ValueRef lr_value_;
};

}  // namespace kiln::keras::optimizers
