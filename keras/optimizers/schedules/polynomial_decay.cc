#include "keras/optimizers/schedules/polynomial_decay.h"

#include <algorithm>
#include <cmath>

#include "graph/error.h"

namespace kiln::keras::optimizers::schedules {

using namespace schedule_config;

PolynomialDecay::PolynomialDecay(PolynomialDecayOptions o) : o_(o) {
  RequirePositive("decay_steps", o_.decay_steps);
  RequireNonNegativeRate(class_name(), "initial_learning_rate", o_.initial_learning_rate);
  RequireNonNegativeRate(class_name(), "end_learning_rate", o_.end_learning_rate);
}

float PolynomialDecay::operator()(int64_t step) const {
  float s = static_cast<float>(step);
  float decay_steps = static_cast<float>(o_.decay_steps);
  if (o_.cycle) {
    // Over the first multiple of decay_steps at or above the step (1 at step 0).
    const float multiplier = s == 0 ? 1.0f : std::ceil(s / decay_steps);
    decay_steps *= multiplier;
  } else {
    s = std::min(s, decay_steps);
  }
  const float p = s / decay_steps;
  const float initial = static_cast<float>(o_.initial_learning_rate);
  const float end = static_cast<float>(o_.end_learning_rate);
  return (initial - end) * std::pow(1.0f - p, static_cast<float>(o_.power)) + end;
}

nlohmann::json PolynomialDecay::get_config() const {
  return {{"initial_learning_rate", o_.initial_learning_rate},
          {"decay_steps", o_.decay_steps},
          {"end_learning_rate", o_.end_learning_rate},
          {"power", o_.power},
          {"cycle", o_.cycle},
          {"name", class_name()}};
}

namespace {

KILN_REGISTER_SCHEDULE("PolynomialDecay", [](const nlohmann::json& c) {
  const std::string cls = "PolynomialDecay";
  return std::make_shared<PolynomialDecay>(
      PolynomialDecayOptions{.initial_learning_rate = Number(c, cls, "initial_learning_rate"),
                             .decay_steps = Number(c, cls, "decay_steps"),
                             .end_learning_rate = Number(c, "end_learning_rate", 0.0001),
                             .power = Number(c, "power", 1.0),
                             .cycle = Flag(c, "cycle")});
});

}  // namespace
}  // namespace kiln::keras::optimizers::schedules
