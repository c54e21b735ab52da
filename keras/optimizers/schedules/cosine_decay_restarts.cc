#include "keras/optimizers/schedules/cosine_decay_restarts.h"

#include <cmath>
#include <numbers>

namespace kiln::keras::optimizers::schedules {

using namespace schedule_config;

CosineDecayRestarts::CosineDecayRestarts(CosineDecayRestartsOptions o) : o_(o) {
  RequirePositive("first_decay_steps", o_.first_decay_steps);
  RequireNonNegativeRate(class_name(), "initial_learning_rate", o_.initial_learning_rate);
  RequirePositive("t_mul", o_.t_mul);
}

float CosineDecayRestarts::operator()(int64_t step) const {
  const float t_mul = static_cast<float>(o_.t_mul), m_mul = static_cast<float>(o_.m_mul);
  const float alpha = static_cast<float>(o_.alpha);
  float fraction = static_cast<float>(step) / static_cast<float>(o_.first_decay_steps);
  float restart;
  if (t_mul == 1.0f) {
    restart = std::floor(fraction);
    fraction -= restart;
  } else {
    // Periods grow geometrically: find the restart whose period holds the step.
    restart = std::floor(std::log(1.0f - fraction * (1.0f - t_mul)) / std::log(t_mul));
    const float sum_r = (1.0f - std::pow(t_mul, restart)) / (1.0f - t_mul);
    fraction = (fraction - sum_r) / std::pow(t_mul, restart);
  }
  const float m_fac = std::pow(m_mul, restart);
  const float cosine =
      0.5f * m_fac * (1.0f + std::cos(std::numbers::pi_v<float> * fraction));
  return static_cast<float>(o_.initial_learning_rate) * ((1.0f - alpha) * cosine + alpha);
}

nlohmann::json CosineDecayRestarts::get_config() const {
  return {{"initial_learning_rate", o_.initial_learning_rate},
          {"first_decay_steps", o_.first_decay_steps},
          {"t_mul", o_.t_mul},
          {"m_mul", o_.m_mul},
          {"alpha", o_.alpha},
          {"name", class_name()}};
}

namespace {

KILN_REGISTER_SCHEDULE("CosineDecayRestarts", [](const nlohmann::json& c) {
  const std::string cls = "CosineDecayRestarts";
  return std::make_shared<CosineDecayRestarts>(
      CosineDecayRestartsOptions{.initial_learning_rate = Number(c, cls, "initial_learning_rate"),
                                 .first_decay_steps = Number(c, cls, "first_decay_steps"),
                                 .t_mul = Number(c, "t_mul", 2.0),
                                 .m_mul = Number(c, "m_mul", 1.0),
                                 .alpha = Number(c, "alpha", 0.0)});
});

}  // namespace
}  // namespace kiln::keras::optimizers::schedules
