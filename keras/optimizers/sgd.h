// Stochastic gradient descent, with optional (Nesterov) momentum.
//
//   model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1, .momentum = 0.9,
//                                                .nesterov = true}), ...});
//   optimizers::SGD({.lr = 0.1})      // Keras's old spelling, as in the tutorial
//
// Keras's rule, the same arithmetic in every Keras generation: v = momentum*v - lr*g; p += v
// (Nesterov: p += momentum*v - lr*g); plain p -= lr*g when momentum is 0. With Keras 2's `decay`
// (tf.keras's legacy SGD) the rate is lr / (1 + decay*iterations).
#pragma once

#include <optional>

#include "keras/optimizers/optimizer.h"

namespace kiln::keras::optimizers {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct SGDOptions {
  LearningRate learning_rate = 0.01;
  std::optional<double> lr = std::nullopt;  // alias of learning_rate, wins when set
  double momentum = 0.0;
  bool nesterov = false;
  KILN_OPTIMIZER_COMMON_OPTIONS;
};

class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions options = {});
  std::string class_name() const override { return "SGD"; }
  nlohmann::json get_config() const override;
  std::vector<std::string> slot_names() const override;
  std::vector<SavedSlot> saved_slots(OptimizerGeneration g) const override;
  bool follows_optimizer_v2() const override { return !weight_decay_; }
  double momentum() const { return momentum_; }
  bool nesterov() const { return nesterov_; }

 protected:
  std::vector<int> Prepare(GraphBuilder& b, const StepArgs& step) override;
  NewState Compose(GraphBuilder& b, const UpdateArgs& a) override;
  std::optional<int> EmitFused(GraphBuilder& b, const UpdateArgs& a) override;

 private:
  double momentum_;
  bool nesterov_;
  ValueRef momentum_value_;  // in the graph being lowered
};

}  // namespace kiln::keras::optimizers
