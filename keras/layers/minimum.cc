#include "keras/layers/minimum.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef Minimum::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  return Fold(b, inputs, "Minimum");
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return std::make_shared<Minimum>(MergeOptions{MergeConfigName(c, "Minimum", unsupported)});
}
KILN_REGISTER_LAYER("Minimum", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
