// (initial - end) * (1 - step / decay_steps) ^ power + end, the step held at decay_steps, or with
// cycle the decay restarted over the next multiple of decay_steps, as
// keras.optimizers.schedules.PolynomialDecay.
//
//   schedules::PolynomialDecay({.initial_learning_rate = 0.1, .decay_steps = 10000, .power = 0.5})
#pragma once

#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras::optimizers::schedules {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct PolynomialDecayOptions {
  double initial_learning_rate = 0;
  double decay_steps = 0;
  double end_learning_rate = 0.0001;
  double power = 1.0;
  bool cycle = false;
};

class PolynomialDecay : public LearningRateSchedule {
 public:
  explicit PolynomialDecay(PolynomialDecayOptions options);
  std::string class_name() const override { return "PolynomialDecay"; }
  float operator()(int64_t step) const override;
  nlohmann::json get_config() const override;
  const PolynomialDecayOptions& options() const { return o_; }

 private:
  PolynomialDecayOptions o_;
};

}  // namespace kiln::keras::optimizers::schedules
