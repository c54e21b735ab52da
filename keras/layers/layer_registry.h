// Layers by Keras class name, for rebuilding models from a Keras model_config. Each layer file
// registers a factory that reads its config and records every option Kiln does not support, so a
// loader can refuse a file once, listing everything it cannot build.
//
//   KILN_REGISTER_LAYER("Dense", DenseFromConfig);
//   std::vector<std::string> unsupported;
//   LayerRef l = CreateLayer("Dense", config_json, unsupported);
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "keras/initializers.h"
#include "keras/layers/layer.h"

namespace kiln::keras {

// `unsupported` collects messages such as "Dense 'd': kernel_regularizer".
using LayerFactory = std::function<std::shared_ptr<Layer>(const nlohmann::json& config,
                                                          std::vector<std::string>& unsupported)>;

void RegisterLayer(const std::string& class_name, LayerFactory factory);
// nullptr for an unknown class.
const LayerFactory* FindLayerFactory(const std::string& class_name);
std::vector<std::string> RegisteredLayerClasses();

struct LayerRegistrar {
  LayerRegistrar(const std::string& class_name, LayerFactory f) {
    RegisterLayer(class_name, std::move(f));
  }
};
#define KILN_REGISTER_LAYER(class_name, factory)                                             \
  static const ::kiln::keras::LayerRegistrar KILN_LCONCAT(kiln_layer_, __LINE__)(class_name, \
                                                                                 factory)
#define KILN_LCONCAT_INNER(a, b) a##b
#define KILN_LCONCAT(a, b) KILN_LCONCAT_INNER(a, b)

// Helpers for factories, covering the Keras 2.0 to Keras 3 field variants.
namespace config {
// The largest size option (units, filters, kernel_size, strides) a config may give: beyond any
// real model, and small enough that the arithmetic on one cannot overflow before the checked
// shape arithmetic refuses the weights it would need.
inline constexpr int64_t kMaxSize = (int64_t{1} << 31) - 1;
std::string Name(const nlohmann::json& c);
// The input shape without the batch dimension, from batch_input_shape, batch_shape or
// input_shape; empty when none is given.
std::vector<int64_t> InputShape(const nlohmann::json& c);
// The dtype's name, from a string or a DTypePolicy dict; nullopt when absent or null.
std::optional<std::string> DTypeNameOf(const nlohmann::json& c);
// Records an unsupported dtype (anything but float32, as a string or a DTypePolicy dict).
void CheckDType(const nlohmann::json& c, const std::string& where,
                std::vector<std::string>& unsupported);
// Records `key` as unsupported when present and not null.
void MustBeNull(const nlohmann::json& c, const std::string& key, const std::string& where,
                std::vector<std::string>& unsupported);
// The config of `key` as Keras wrote it, null when absent: for regularizers and constraints,
// which the model applies when it compiles (keras/regularizers.h, keras/constraints.h) and saves
// back as they were written.
nlohmann::json Kept(const nlohmann::json& c, const std::string& key);
// An activation name (string or {"class_name": ...}); records unknown ones.
std::string Activation(const nlohmann::json& c, const std::string& where,
                       std::vector<std::string>& unsupported);
// An initializer (a name, or a config with or without "module"); records unknown or invalid ones
// and returns the default then.
Initializer ParseInitializer(const nlohmann::json& c, const std::string& where,
                             std::vector<std::string>& unsupported);
// kernel_initializer and bias_initializer, when present, into `kernel` and `bias`.
void KernelAndBiasInitializers(const nlohmann::json& c, const std::string& where,
                               std::vector<std::string>& unsupported, Initializer& kernel,
                               Initializer& bias);
}  // namespace config

}  // namespace kiln::keras
