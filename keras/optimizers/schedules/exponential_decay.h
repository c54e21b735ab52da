// initial_learning_rate * decay_rate ^ (step / decay_steps), the exponent floored with
// staircase, as keras.optimizers.schedules.ExponentialDecay.
//
//   schedules::ExponentialDecay({.initial_learning_rate = 0.1, .decay_steps = 1000, .decay_rate =
//   0.96})
#pragma once

#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras::optimizers::schedules {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ExponentialDecayOptions {
  double initial_learning_rate = 0;
  double decay_steps = 0;
  double decay_rate = 0;
  bool staircase = false;
};

class ExponentialDecay : public LearningRateSchedule {
 public:
  explicit ExponentialDecay(ExponentialDecayOptions options);
  std::string class_name() const override { return "ExponentialDecay"; }
  float operator()(int64_t step) const override;
  nlohmann::json get_config() const override;
  const ExponentialDecayOptions& options() const { return o_; }

 private:
  ExponentialDecayOptions o_;
};

}  // namespace kiln::keras::optimizers::schedules
