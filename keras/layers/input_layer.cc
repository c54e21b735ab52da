#include "keras/layers/input_layer.h"

#include "keras/backend.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

InputLayer::InputLayer(InputLayerOptions options) {
  if (options.input_shape.empty()) throw ValueError("InputLayer: input_shape is required");
  InitBase(options.name.empty() ? backend::UniqueObjectName("input") : options.name,
           options.input_shape, 0);
}

nlohmann::json InputLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c.erase("trainable");
  c["sparse"] = false;
  c["ragged"] = false;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "InputLayer '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  if (c.value("sparse", false)) unsupported.push_back(where + ": sparse");
  if (c.value("ragged", false)) unsupported.push_back(where + ": ragged");
  auto shape = config::InputShape(c);
  if (shape.empty()) {
    unsupported.push_back(where + ": no input shape");
    return nullptr;
  }
  return std::make_shared<InputLayer>(InputLayerOptions{shape, config::Name(c)});
}
KILN_REGISTER_LAYER("InputLayer", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
