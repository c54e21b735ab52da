// values[i] while boundaries[i-1] < step <= boundaries[i], as
// keras.optimizers.schedules.PiecewiseConstantDecay.
//
//   schedules::PiecewiseConstantDecay({.boundaries = {100000, 110000}, .values = {1.0, 0.5, 0.1}})
#pragma once

#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras::optimizers::schedules {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct PiecewiseConstantDecayOptions {
  std::vector<double> boundaries;
  std::vector<double> values;  // one more than boundaries
};

class PiecewiseConstantDecay : public LearningRateSchedule {
 public:
  explicit PiecewiseConstantDecay(PiecewiseConstantDecayOptions options);
  std::string class_name() const override { return "PiecewiseConstantDecay"; }
  float operator()(int64_t step) const override;
  nlohmann::json get_config() const override;
  const PiecewiseConstantDecayOptions& options() const { return o_; }

 private:
  PiecewiseConstantDecayOptions o_;
};

}  // namespace kiln::keras::optimizers::schedules
