#include "keras/optimizers/schedules/cosine_decay.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kiln::keras::optimizers::schedules {

using namespace schedule_config;

CosineDecay::CosineDecay(CosineDecayOptions o) : o_(o) {
  RequirePositive("decay_steps", o_.decay_steps);
  RequireNonNegativeRate(class_name(), "initial_learning_rate", o_.initial_learning_rate);
  if (o_.warmup_target) RequireNonNegativeRate(class_name(), "warmup_target", *o_.warmup_target);
}

float CosineDecay::operator()(int64_t step) const {
  const float decay_steps = static_cast<float>(o_.decay_steps);
  const float initial = static_cast<float>(o_.initial_learning_rate);
  float s = static_cast<float>(step);
  auto decay = [&](float at, float from) {
    const float cosine = 0.5f * (1.0f + std::cos(std::numbers::pi_v<float> * (at / decay_steps)));
    const float alpha = static_cast<float>(o_.alpha);
    return from * (static_cast<float>(1 - o_.alpha) * cosine + alpha);
  };
  if (!o_.warmup_target) return decay(std::min(s, decay_steps), initial);
  const float target = static_cast<float>(*o_.warmup_target);
  const float warmup_steps = static_cast<float>(o_.warmup_steps);
  s = std::min(s, decay_steps + warmup_steps);
  if (s < warmup_steps) return (target - initial) * (s / warmup_steps) + initial;
  return decay(s - warmup_steps, target);
}

nlohmann::json CosineDecay::get_config() const {
  nlohmann::json target = nullptr;
  if (o_.warmup_target) target = *o_.warmup_target;
  return {{"initial_learning_rate", o_.initial_learning_rate},
          {"decay_steps", o_.decay_steps},
          {"alpha", o_.alpha},
          {"name", class_name()},
          {"warmup_target", target},
          {"warmup_steps", o_.warmup_steps}};
}

namespace {

KILN_REGISTER_SCHEDULE("CosineDecay", [](const nlohmann::json& c) {
  const std::string cls = "CosineDecay";
  std::optional<double> target;
  if (c.contains("warmup_target") && c["warmup_target"].is_number())
    target = c["warmup_target"].get<double>();
  return std::make_shared<CosineDecay>(
      CosineDecayOptions{.initial_learning_rate = Number(c, cls, "initial_learning_rate"),
                         .decay_steps = Number(c, cls, "decay_steps"),
                         .alpha = Number(c, "alpha", 0.0),
                         .warmup_target = target,
                         .warmup_steps = Number(c, "warmup_steps", 0.0)});
});

}  // namespace
}  // namespace kiln::keras::optimizers::schedules
