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

std::shared_ptr<Optimizer> OptimizerFromConfig(const nlohmann::json& optimizer_config) {
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
  const nlohmann::json config = optimizer_config.value("config", nlohmann::json::object());
  return it->second.second(config.is_object() ? config : nlohmann::json::object());
}

OptimizerRef::OptimizerRef(const char* name)
    : ptr_(OptimizerFromConfig({{"class_name", name}, {"config", nlohmann::json::object()}})) {}

namespace optimizer_config {

double Number(const nlohmann::json& c, const char* key, double fallback) {
  return c.contains(key) && c[key].is_number() ? c[key].get<double>() : fallback;
}

double LearningRate(const nlohmann::json& c, double fallback) {
  return Number(c, "lr", Number(c, "learning_rate", fallback));
}

void NoDecay(const nlohmann::json& c, const std::string& class_name) {
  if (Number(c, "decay", 0.0) != 0.0) throw ValueError(class_name + " decay is not supported");
}

}  // namespace optimizer_config

}  // namespace kiln::keras
