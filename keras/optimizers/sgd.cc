#include "keras/optimizers/sgd.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

SGD::SGD(SGDOptions o)
    : learning_rate_(o.lr.value_or(o.learning_rate)), momentum_(o.momentum), nesterov_(o.nesterov) {
  if (!(learning_rate_ >= 0)) throw ValueError("SGD: learning_rate must be >= 0");
  if (!(momentum_ >= 0)) throw ValueError("SGD: momentum must be >= 0");
}

nlohmann::json SGD::get_config() const {
  return {{"name", "SGD"},
          {"learning_rate", learning_rate_},
          {"decay", 0.0},
          {"momentum", momentum_},
          {"nesterov", nesterov_}};
}

// Plain SGD keeps no state, as in Keras.
std::vector<std::string> SGD::slot_names() const {
  return momentum_ == 0 ? std::vector<std::string>{} : std::vector<std::string>{"velocity"};
}

void SGD::Prepare(GraphBuilder& b) {
  lr_value_ = b.Scalar(learning_rate_, kFloat32, "learning_rate");
  momentum_value_ = b.Scalar(momentum_, kFloat32, "momentum");
}

int SGD::EmitUpdate(GraphBuilder& b, const UpdateArgs& a) {
  if (momentum_ == 0)
    b.OpN("ApplyGradientDescent", {a.var, lr_value_, a.grad}, {}, "update");
  else
    b.OpN("ApplyMomentum", {a.var, a.slots[0], lr_value_, a.grad, momentum_value_},
          {{"use_nesterov", nesterov_}}, "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c) {
  optimizer_config::NoDecay(c, "SGD");
  return std::make_shared<SGD>(SGDOptions{.learning_rate = optimizer_config::LearningRate(c, 0.01),
                                          .momentum = optimizer_config::Number(c, "momentum", 0.0),
                                          .nesterov = c.value("nesterov", false)});
}

KILN_REGISTER_OPTIMIZER("SGD", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
