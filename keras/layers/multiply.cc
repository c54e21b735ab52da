#include "keras/layers/multiply.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

ValueRef Multiply::MergeFunction(GraphBuilder& b, std::span<const ValueRef> inputs) const {
  return Fold(b, inputs, "Mul");
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return std::make_shared<Multiply>(MergeOptions{MergeConfigName(c, "Multiply", unsupported)});
}
KILN_REGISTER_LAYER("Multiply", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
