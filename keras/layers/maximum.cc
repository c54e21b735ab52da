#include "keras/layers/maximum.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef Maximum::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  return Fold(b, inputs, "Maximum");
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return std::make_shared<Maximum>(MergeOptions{MergeConfigName(c, "Maximum", unsupported)});
}
KILN_REGISTER_LAYER("Maximum", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
