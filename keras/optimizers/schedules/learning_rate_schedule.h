// Learning-rate schedules: the rate as a function of the optimizer's step count, Keras's
// keras.optimizers.schedules. Pass one where an optimizer takes a learning rate.
//
//   optimizers::Adam({.learning_rate = schedules::ExponentialDecay(
//                         {.initial_learning_rate = 1e-3, .decay_steps = 1000, .decay_rate = 0.9})});
//
// Contract: operator()(step) is the rate for the update that follows `step` updates, computed in
// float32 with Keras 3's operations in Keras's order (so it matches Keras's value to the last bit
// or two). Schedules are immutable; the optimizer evaluates its schedule once per training step,
// before the step, and feeds the value to the graph. A schedule found by class name (the
// registry) rebuilds itself from the "config" Keras writes; kiln::ValueError names a bad argument.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace kiln::keras::optimizers::schedules {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  virtual std::string class_name() const = 0;
  virtual float operator()(int64_t step) const = 0;
  // The schedule's own arguments by Keras name, as Keras 3's get_config() writes them.
  virtual nlohmann::json get_config() const = 0;
  // {"module", "class_name", "config", "registered_name"}, the form every Keras reads.
  nlohmann::json keras_config() const;
};

// From {"class_name", "config"}. Throws kiln::NotFoundError for an unknown class.
std::shared_ptr<LearningRateSchedule> ScheduleFromConfig(const nlohmann::json& schedule_config);

using ScheduleFactory =
    std::function<std::shared_ptr<LearningRateSchedule>(const nlohmann::json& config)>;
void RegisterSchedule(const std::string& class_name, ScheduleFactory factory);
struct ScheduleRegistrar {
  ScheduleRegistrar(const std::string& class_name, ScheduleFactory f) {
    RegisterSchedule(class_name, std::move(f));
  }
};
#define KILN_REGISTER_SCHEDULE(class_name, factory)                                          \
  static const ::kiln::keras::optimizers::schedules::ScheduleRegistrar KILN_SCONCAT(         \
      kiln_schedule_, __LINE__)(class_name, factory)
#define KILN_SCONCAT_INNER(a, b) a##b
#define KILN_SCONCAT(a, b) KILN_SCONCAT_INNER(a, b)

// Helpers for schedule factories and constructors.
namespace schedule_config {
// config[key] as a number; kiln::ValueError naming the schedule and key when it is missing or not
// a number (and `fallback` is not given).
double Number(const nlohmann::json& c, const std::string& cls, const char* key);
double Number(const nlohmann::json& c, const char* key, double fallback);
bool Flag(const nlohmann::json& c, const char* key);
// Throws kiln::ValueError "Argument `<name>` must be > 0. Received: <name>=<value>" (Keras's).
void RequirePositive(const char* name, double value);
void RequireNonNegativeRate(const std::string& cls, const char* name, double value);
}  // namespace schedule_config

}  // namespace kiln::keras::optimizers::schedules

namespace kiln::keras::optimizers {

// What an optimizer's learning_rate option holds: a number or a schedule.
//
//   LearningRate a = 0.01;
//   LearningRate b = schedules::CosineDecay({.initial_learning_rate = 0.1, .decay_steps = 100});
class LearningRate {
 public:
  LearningRate(double value) : value_(value) {}  // NOLINT: a number is a learning rate
  template <typename S>
    requires std::derived_from<S, schedules::LearningRateSchedule>
  LearningRate(S schedule)  // NOLINT: so is a schedule
      : schedule_(std::make_shared<S>(std::move(schedule))) {}
  LearningRate(std::shared_ptr<const schedules::LearningRateSchedule> s)  // NOLINT
      : schedule_(std::move(s)) {}
  // The constant rate; for a schedule, its rate at step 0.
  double value() const { return schedule_ ? (*schedule_)(0) : value_; }
  const std::shared_ptr<const schedules::LearningRateSchedule>& schedule() const {
    return schedule_;
  }

 private:
  double value_ = 0;
  std::shared_ptr<const schedules::LearningRateSchedule> schedule_;
};

}  // namespace kiln::keras::optimizers
