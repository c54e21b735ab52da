#include "keras/optimizers/rmsprop.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

RMSprop::RMSprop(RMSpropOptions o) : o_(o) {
  o_.learning_rate = o.lr.value_or(o.learning_rate);
  if (!(o_.learning_rate >= 0) || !(o_.rho >= 0 && o_.rho <= 1) || !(o_.epsilon > 0))
    throw ValueError("RMSprop: learning_rate >= 0, rho in [0, 1] and epsilon > 0 are required");
}

nlohmann::json RMSprop::get_config() const {
  return {{"name", "RMSprop"}, {"learning_rate", o_.learning_rate},
          {"decay", 0.0},      {"rho", o_.rho},
          {"momentum", 0.0},   {"epsilon", o_.epsilon},
          {"centered", false}};
}

void RMSprop::Prepare(GraphBuilder& b) {
  lr_value_ = b.Scalar(o_.learning_rate, kFloat32, "learning_rate");
}

int RMSprop::EmitUpdate(GraphBuilder& b, const UpdateArgs& a) {
  b.OpN("ApplyRMSProp", {a.var, a.slots[0], lr_value_, a.grad},
        {{"rho", o_.rho}, {"epsilon", o_.epsilon}}, "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c) {
  optimizer_config::NoDecay(c, "RMSprop");
  if (optimizer_config::Number(c, "momentum", 0.0) != 0.0 || c.value("centered", false))
    throw ValueError("RMSprop with momentum or centered is not supported");
  return std::make_shared<RMSprop>(
      RMSpropOptions{.learning_rate = optimizer_config::LearningRate(c, 0.001),
                     .rho = optimizer_config::Number(c, "rho", 0.9),
                     .epsilon = optimizer_config::Number(c, "epsilon", 1e-7)});
}

KILN_REGISTER_OPTIMIZER("RMSprop", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
