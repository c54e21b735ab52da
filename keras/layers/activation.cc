#include "keras/layers/activation.h"

#include "keras/activations.h"

namespace kiln::keras::layers {

Activation::Activation(std::string activation, ActivationOptions options)
    : activation_(std::move(activation)) {
  InitBase(options.name, options.input_shape, 0);
  activations::Validate(activation_, "Activation '" + name_ + "'");
}

ValueRef Activation::Call(GraphBuilder& b, ValueRef x, const CallContext&) {
  return activations::Apply(b, activation_, x);
}

nlohmann::json Activation::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["activation"] = activation_;
  return c;
}

}  // namespace kiln::keras::layers
