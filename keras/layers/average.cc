#include "keras/layers/average.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef Average::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  const DType t = b.type(inputs[0]).dtype;
  return b.Op("Div", {Fold(b, inputs, "Add"), b.Scalar(static_cast<double>(inputs.size()), t)});
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return std::make_shared<Average>(MergeOptions{MergeConfigName(c, "Average", unsupported)});
}
KILN_REGISTER_LAYER("Average", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
