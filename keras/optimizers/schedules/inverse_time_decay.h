// initial_learning_rate / (1 + decay_rate * step / decay_steps), the quotient floored with
// staircase, as keras.optimizers.schedules.InverseTimeDecay.
//
//   schedules::InverseTimeDecay({.initial_learning_rate = 0.1, .decay_steps = 1, .decay_rate =
//   0.5})
#pragma once

#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras::optimizers::schedules {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct InverseTimeDecayOptions {
  double initial_learning_rate = 0;
  double decay_steps = 0;
  double decay_rate = 0;
  bool staircase = false;
};

class InverseTimeDecay : public LearningRateSchedule {
 public:
  explicit InverseTimeDecay(InverseTimeDecayOptions options);
  std::string class_name() const override { return "InverseTimeDecay"; }
  float operator()(int64_t step) const override;
  nlohmann::json get_config() const override;
  const InverseTimeDecayOptions& options() const { return o_; }

 private:
  InverseTimeDecayOptions o_;
};

}  // namespace kiln::keras::optimizers::schedules
