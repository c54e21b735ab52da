#include "keras/optimizers/schedules/learning_rate_schedule.h"

#include <map>

#include "graph/error.h"

namespace kiln::keras::optimizers::schedules {
namespace {

std::map<std::string, ScheduleFactory>& Registry() {
  static std::map<std::string, ScheduleFactory> registry;
  return registry;
}


}  // namespace

nlohmann::json LearningRateSchedule::keras_config() const {
  return {{"module", "keras.optimizers.schedules"},
          {"class_name", class_name()},
          {"config", get_config()},
          {"registered_name", nullptr}};
}

void RegisterSchedule(const std::string& class_name, ScheduleFactory factory) {
  if (!Registry().emplace(class_name, std::move(factory)).second)
    throw Error("learning rate schedule '" + class_name + "' registered twice");
}

std::shared_ptr<LearningRateSchedule> ScheduleFromConfig(const nlohmann::json& schedule_config) {
  const std::string cls = schedule_config.is_object() && schedule_config.contains("class_name") &&
                                  schedule_config["class_name"].is_string()
                              ? schedule_config["class_name"].get<std::string>()
                              : "";
  auto it = Registry().find(cls);
  if (it == Registry().end()) {
    std::string known;
    for (const auto& [name, f] : Registry()) known += (known.empty() ? "" : ", ") + name;
    throw NotFoundError("Unknown learning rate schedule: '" + cls + "' (known: " + known + ")");
  }
  nlohmann::json config = schedule_config.value("config", nlohmann::json::object());
  if (!config.is_object()) throw ValueError(cls + ": the schedule's config is not an object");
  return it->second(config);
}

namespace schedule_config {

double Number(const nlohmann::json& c, const std::string& cls, const char* key) {
  if (!c.contains(key) || !c[key].is_number())
    throw ValueError(cls + ": the config's \"" + key + "\" is missing or not a number");
  return c[key].get<double>();
}

double Number(const nlohmann::json& c, const char* key, double fallback) {
  return c.contains(key) && c[key].is_number() ? c[key].get<double>() : fallback;
}

bool Flag(const nlohmann::json& c, const char* key) {
  return c.contains(key) && c[key].is_boolean() && c[key].get<bool>();
}

void RequirePositive(const char* name, double value) {
  if (!(value > 0))
    throw ValueError(std::string("Argument `") + name + "` must be > 0. Received: " + name + "=" +
                     nlohmann::json(value).dump());
}

void RequireNonNegativeRate(const std::string& cls, const char* name, double value) {
  if (!(value >= 0))
    throw ValueError(cls + ": a learning rate must be >= 0, got " + name + "=" + nlohmann::json(value).dump());
}

}  // namespace schedule_config

}  // namespace kiln::keras::optimizers::schedules
