// Cosine decay from initial_learning_rate (or, after a linear warmup of warmup_steps, from
// warmup_target) to alpha times it over decay_steps, as keras.optimizers.schedules.CosineDecay.
//
//   schedules::CosineDecay({.initial_learning_rate = 0.0, .decay_steps = 1000,
//                           .warmup_target = 0.1, .warmup_steps = 100})
#pragma once

#include <optional>

#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras::optimizers::schedules {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct CosineDecayOptions {
  double initial_learning_rate = 0;
  double decay_steps = 0;
  double alpha = 0.0;
  std::optional<double> warmup_target = std::nullopt;
  double warmup_steps = 0;
};

class CosineDecay : public LearningRateSchedule {
 public:
  explicit CosineDecay(CosineDecayOptions options);
  std::string class_name() const override { return "CosineDecay"; }
  float operator()(int64_t step) const override;
  nlohmann::json get_config() const override;
  const CosineDecayOptions& options() const { return o_; }

 private:
  CosineDecayOptions o_;
};

}  // namespace kiln::keras::optimizers::schedules
