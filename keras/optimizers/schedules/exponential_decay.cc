#include "keras/optimizers/schedules/exponential_decay.h"

#include <cmath>

#include "graph/error.h"

namespace kiln::keras::optimizers::schedules {

using namespace schedule_config;

ExponentialDecay::ExponentialDecay(ExponentialDecayOptions o) : o_(o) {
  RequirePositive("decay_steps", o_.decay_steps);
  RequireNonNegativeRate(class_name(), "initial_learning_rate", o_.initial_learning_rate);
  if (!(o_.decay_rate >= 0))
    throw ValueError("ExponentialDecay: decay_rate must be >= 0, got " +
                     nlohmann::json(o_.decay_rate).dump());
}

float ExponentialDecay::operator()(int64_t step) const {
  float p = static_cast<float>(step) / static_cast<float>(o_.decay_steps);
  if (o_.staircase) p = std::floor(p);
  return static_cast<float>(o_.initial_learning_rate) *
         std::pow(static_cast<float>(o_.decay_rate), p);
}

nlohmann::json ExponentialDecay::get_config() const {
  return {{"initial_learning_rate", o_.initial_learning_rate},
          {"decay_steps", o_.decay_steps},
          {"decay_rate", o_.decay_rate},
          {"staircase", o_.staircase},
          {"name", class_name()}};
}

namespace {

KILN_REGISTER_SCHEDULE("ExponentialDecay", [](const nlohmann::json& c) {
  const std::string cls = "ExponentialDecay";
  return std::make_shared<ExponentialDecay>(
      ExponentialDecayOptions{.initial_learning_rate = Number(c, cls, "initial_learning_rate"),
                              .decay_steps = Number(c, cls, "decay_steps"),
                              .decay_rate = Number(c, cls, "decay_rate"),
                              .staircase = Flag(c, "staircase")});
});

}  // namespace
}  // namespace kiln::keras::optimizers::schedules
