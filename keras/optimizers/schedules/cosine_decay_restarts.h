// Cosine decay with warm restarts (SGDR): periods of first_decay_steps, each t_mul times longer
// and m_mul times lower than the last, as keras.optimizers.schedules.CosineDecayRestarts.
//
//   schedules::CosineDecayRestarts({.initial_learning_rate = 0.1, .first_decay_steps = 1000})
#pragma once

#include "keras/optimizers/schedules/learning_rate_schedule.h"

namespace kiln::keras::optimizers::schedules {

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct CosineDecayRestartsOptions {
  double initial_learning_rate = 0;
  double first_decay_steps = 0;
  double t_mul = 2.0;
  double m_mul = 1.0;
  double alpha = 0.0;
};

class CosineDecayRestarts : public LearningRateSchedule {
 public:
  explicit CosineDecayRestarts(CosineDecayRestartsOptions options);
  std::string class_name() const override { return "CosineDecayRestarts"; }
  float operator()(int64_t step) const override;
  nlohmann::json get_config() const override;
  const CosineDecayRestartsOptions& options() const { return o_; }

 private:
  CosineDecayRestartsOptions o_;
};

}  // namespace kiln::keras::optimizers::schedules
