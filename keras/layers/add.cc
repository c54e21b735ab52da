#include "keras/layers/add.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef Add::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  return Fold(b, inputs, "Add");
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return std::make_shared<Add>(MergeOptions{MergeConfigName(c, "Add", unsupported)});
}
KILN_REGISTER_LAYER("Add", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
