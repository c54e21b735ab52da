#include "keras/layers/activation.h"

#include "keras/activations.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Activation::Activation(std::string activation, ActivationOptions options)
    : activation_(std::move(activation)) {
  InitBase(options.name, options.input_shape, 0);
  activations::Validate(activation_, "Activation '" + name_ + "'");
}

ValueRef Activation::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  return activations::Apply(b, activation_, x);
}

nlohmann::json Activation::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["activation"] = activation_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Activation '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  return std::make_shared<Activation>(config::Activation(c, where, unsupported),
                                      ActivationOptions{config::InputShape(c), config::Name(c)});
}
KILN_REGISTER_LAYER("Activation", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
