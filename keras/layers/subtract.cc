#include "keras/layers/subtract.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

void Subtract::CheckInputCount(std::span<const Shape> input_shapes) const {
  if (input_shapes.size() != 2)
    throw ValueError("Subtract '" + name_ +
                     "': A `Subtract` layer should be called on exactly 2 inputs. Received: "
                     "input_shape=" +
                     ShapeListString(input_shapes));
}

ValueRef Subtract::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  return b.Op("Sub", {inputs[0], inputs[1]});
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return std::make_shared<Subtract>(MergeOptions{MergeConfigName(c, "Subtract", unsupported)});
}
KILN_REGISTER_LAYER("Subtract", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
