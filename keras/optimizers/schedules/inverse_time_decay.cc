#include "keras/optimizers/schedules/inverse_time_decay.h"

#include <cmath>

#include "graph/error.h"

namespace kiln::keras::optimizers::schedules {

using namespace schedule_config;

InverseTimeDecay::InverseTimeDecay(InverseTimeDecayOptions o) : o_(o) {
  RequirePositive("decay_steps", o_.decay_steps);
  RequireNonNegativeRate(class_name(), "initial_learning_rate", o_.initial_learning_rate);
  if (!(o_.decay_rate >= 0))
    throw ValueError("InverseTimeDecay: decay_rate must be >= 0, got " +
                     nlohmann::json(o_.decay_rate).dump());
}

float InverseTimeDecay::operator()(int64_t step) const {
  float p = static_cast<float>(step) / static_cast<float>(o_.decay_steps);
  if (o_.staircase) p = std::floor(p);
  return static_cast<float>(o_.initial_learning_rate) /
         (1.0f + static_cast<float>(o_.decay_rate) * p);
}

nlohmann::json InverseTimeDecay::get_config() const {
  return {{"initial_learning_rate", o_.initial_learning_rate},
          {"decay_steps", o_.decay_steps},
          {"decay_rate", o_.decay_rate},
          {"staircase", o_.staircase},
          {"name", class_name()}};
}

namespace {

KILN_REGISTER_SCHEDULE("InverseTimeDecay", [](const nlohmann::json& c) {
  const std::string cls = "InverseTimeDecay";
  return std::make_shared<InverseTimeDecay>(
      InverseTimeDecayOptions{.initial_learning_rate = Number(c, cls, "initial_learning_rate"),
                              .decay_steps = Number(c, cls, "decay_steps"),
                              .decay_rate = Number(c, cls, "decay_rate"),
                              .staircase = Flag(c, "staircase")});
});

}  // namespace
}  // namespace kiln::keras::optimizers::schedules
