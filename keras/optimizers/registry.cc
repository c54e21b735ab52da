#include "keras/optimizers/registry.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace kiln::keras {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// By lower-cased class name, as Keras's own lookup is case-insensitive for built-in optimizers.
std::map<std::string, std::pair<std::string, OptimizerFactory>>& Registry() {
  static std::map<std::string, std::pair<std::string, OptimizerFactory>> registry;
  return registry;
}

}  // namespace

void RegisterOptimizer(const std::string& class_name, OptimizerFactory factory) {
  if (!Registry().emplace(Lower(class_name), std::pair(class_name, std::move(factory))).second)
    throw Error("optimizer class '" + class_name + "' registered twice");
}

std::vector<std::string> RegisteredOptimizerClasses() {
  std::vector<std::string> names;
  for (const auto& [key, entry] : Registry()) names.push_back(entry.first);
  return names;
}

std::shared_ptr<Optimizer> OptimizerFromConfig(const nlohmann::json& optimizer_config,
                                               UpdateRules rules) {
  std::string cls = optimizer_config.is_object() && optimizer_config.contains("class_name") &&
                            optimizer_config["class_name"].is_string()
                        ? optimizer_config["class_name"].get<std::string>()
                        : "";
  // tf.keras 2.11+ registers its optimizers under the package "Custom" ("Custom>Adam").
  const std::string name = cls.rfind("Custom>", 0) == 0 ? cls.substr(7) : cls;
  auto it = Registry().find(Lower(name));
  if (it == Registry().end()) {
    std::string known;
    for (const auto& [key, entry] : Registry()) known += (known.empty() ? "" : ", ") + key;
    throw NotFoundError("Unknown optimizer: '" + cls + "' (known: " + known + ")");
  }
  nlohmann::json config = optimizer_config.value("config", nlohmann::json::object());
  if (!config.is_object()) config = nlohmann::json::object();
  // Settings of every tf.keras 2.11+ / Keras 3 optimizer that would change training: refused
  // rather than ignored, so that a loaded model never trains differently from its writer. Keras
  // tests them for truth, so null and 0 both mean "off".
  for (const char* key : {"loss_scale_factor", "gradient_accumulation_steps"}) {
    const bool off = !config.contains(key) || config[key].is_null() ||
                     (config[key].is_number() && config[key].get<double>() == 0.0);
    if (!off) throw ValueError(it->second.first + " " + key + " is not supported");
  }
  std::shared_ptr<Optimizer> optimizer = it->second.second(config, rules);
  if (config.contains("name") && config["name"].is_string())
    optimizer->set_name(config["name"].get<std::string>());
  // Only tf.keras 2.11+ writes is_legacy_optimizer (false) into a current optimizer's config.
  optimizer->set_tf_keras_ema(config.contains("is_legacy_optimizer"));
  return optimizer;
}

OptimizerRef::OptimizerRef(const char* name)
    : ptr_(OptimizerFromConfig({{"class_name", name}, {"config", nlohmann::json::object()}})) {}

namespace optimizer_config {

double Number(const nlohmann::json& c, const char* key, double fallback) {
  return c.contains(key) && c[key].is_number() ? c[key].get<double>() : fallback;
}

bool Flag(const nlohmann::json& c, const char* key) {
  return c.contains(key) && c[key].is_boolean() && c[key].get<bool>();
}

std::optional<double> Optional(const nlohmann::json& c, const char* key) {
  if (c.contains(key) && c[key].is_number()) return c[key].get<double>();
  return std::nullopt;
}

optimizers::LearningRate LearningRate(const nlohmann::json& c, double fallback) {
  if (c.contains("learning_rate") && c["learning_rate"].is_object())
    return optimizers::LearningRate(optimizers::schedules::ScheduleFromConfig(c["learning_rate"]));
  return Number(c, "lr", Number(c, "learning_rate", fallback));
}

void RequireCurrentRules(UpdateRules rules, const std::string& class_name) {
  if (rules == UpdateRules::kKeras2)
    throw ValueError(class_name +
                     " from tf.keras's legacy optimizers (optimizer_v2) is not supported; Kiln "
                     "follows Keras 3's and tf.keras 2.11+'s " +
                     class_name);
}

}  // namespace optimizer_config

}  // namespace kiln::keras
