#include "keras/layers/input_layer.h"

#include "keras/backend.h"

namespace kiln::keras::layers {

InputLayer::InputLayer(InputLayerOptions options) {
  if (options.input_shape.empty())
    throw ValueError("InputLayer: input_shape is required");
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

}  // namespace kiln::keras::layers
