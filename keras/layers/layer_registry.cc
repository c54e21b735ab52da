#include "keras/layers/layer_registry.h"

#include <map>

#include "keras/activations.h"

namespace kiln::keras {
namespace {

std::map<std::string, LayerFactory>& Registry() {
  static std::map<std::string, LayerFactory> registry;
  return registry;
}

}  // namespace

void RegisterLayer(const std::string& class_name, LayerFactory factory) {
  if (!Registry().emplace(class_name, std::move(factory)).second)
    throw Error("layer class '" + class_name + "' registered twice");
}

const LayerFactory* FindLayerFactory(const std::string& class_name) {
  auto it = Registry().find(class_name);
  return it == Registry().end() ? nullptr : &it->second;
}

std::vector<std::string> RegisteredLayerClasses() {
  std::vector<std::string> names;
  for (const auto& [k, v] : Registry()) names.push_back(k);
  return names;
}

namespace config {

std::string Name(const nlohmann::json& c) {
  return c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : "";
}

std::vector<int64_t> InputShape(const nlohmann::json& c) {
  std::vector<int64_t> dims;
  auto read = [&](const nlohmann::json& a, bool has_batch) {
    if (!a.is_array()) return;
    for (size_t i = has_batch ? 1 : 0; i < a.size(); ++i)
      dims.push_back(a[i].is_number_integer() ? a[i].get<int64_t>() : kUnknownDim);
  };
  if (c.contains("batch_input_shape"))
    read(c["batch_input_shape"], true);
  else if (c.contains("batch_shape"))
    read(c["batch_shape"], true);
  else if (c.contains("input_shape"))
    read(c["input_shape"], false);
  return dims;
}

std::optional<std::string> DTypeNameOf(const nlohmann::json& c) {
  if (!c.contains("dtype") || c["dtype"].is_null()) return std::nullopt;
  const nlohmann::json& d = c["dtype"];
  if (d.is_string()) return d.get<std::string>();
  if (d.is_object() && d.contains("config") && d["config"].is_object() &&
      d["config"].contains("name") && d["config"]["name"].is_string())
    return d["config"]["name"].get<std::string>();
  return "?";
}

void CheckDType(const nlohmann::json& c, const std::string& where,
                std::vector<std::string>& unsupported) {
  const std::string name = DTypeNameOf(c).value_or("float32");
  if (name != "float32") unsupported.push_back(where + ": dtype " + name);
}

void MustBeNull(const nlohmann::json& c, const std::string& key, const std::string& where,
                std::vector<std::string>& unsupported) {
  if (c.contains(key) && !c[key].is_null()) unsupported.push_back(where + ": " + key);
}

nlohmann::json Kept(const nlohmann::json& c, const std::string& key) {
  return c.contains(key) ? c[key] : nlohmann::json();
}

std::string Activation(const nlohmann::json& c, const std::string& where,
                       std::vector<std::string>& unsupported) {
  if (!c.contains("activation")) return "linear";
  const nlohmann::json& a = c["activation"];
  std::string name = a.is_string() ? a.get<std::string>()
                     : a.is_object() && a.contains("class_name")
                         ? a["class_name"].get<std::string>()
                         : "?";
  try {
    activations::Validate(name, where);
  } catch (const Error&) {
    unsupported.push_back(where + ": activation '" + name + "'");
    return "linear";
  }
  return name;
}

Initializer ParseInitializer(const nlohmann::json& c, const std::string& where,
                             std::vector<std::string>& unsupported) {
  try {
    return Initializer::FromConfig(c, where);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return Initializer();
  }
}

void KernelAndBiasInitializers(const nlohmann::json& c, const std::string& where,
                               std::vector<std::string>& unsupported, Initializer& kernel,
                               Initializer& bias) {
  if (c.contains("kernel_initializer"))
    kernel = ParseInitializer(c["kernel_initializer"], where + " kernel_initializer", unsupported);
  if (c.contains("bias_initializer"))
    bias = ParseInitializer(c["bias_initializer"], where + " bias_initializer", unsupported);
}

}  // namespace config
}  // namespace kiln::keras
