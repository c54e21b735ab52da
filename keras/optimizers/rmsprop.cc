#include "keras/optimizers/rmsprop.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

RMSprop::RMSprop(RMSpropOptions o)
    : Optimizer(o.lr.value_or(o.learning_rate), o.rules), rho_(o.rho), epsilon_(o.epsilon) {
  if (!(learning_rate_ >= 0) || !(rho_ >= 0 && rho_ <= 1) || !(epsilon_ > 0))
    throw ValueError("RMSprop: learning_rate >= 0, rho in [0, 1] and epsilon > 0 are required");
}

nlohmann::json RMSprop::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"rho", rho_},
          {"momentum", 0.0},
          {"epsilon", epsilon_},
          {"centered", false}};
}

std::vector<Optimizer::SavedSlot> RMSprop::saved_slots(OptimizerGeneration g) const {
  return {{"velocity", g == OptimizerGeneration::kKeras2 ? "rms" : "velocity"}};
}

int RMSprop::EmitUpdate(GraphBuilder& b, const UpdateArgs& a) {
  b.OpN("ApplyRMSProp", {a.var, a.slots[0], a.learning_rate, a.grad},
        {{"rho", rho_},
         {"epsilon", epsilon_},
         {"rules", std::string(rules_ == UpdateRules::kKeras3 ? "keras3" : "keras2")}},
        "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c, UpdateRules rules) {
  optimizer_config::NoDecay(c, "RMSprop");
  if (optimizer_config::Number(c, "momentum", 0.0) != 0.0 || optimizer_config::Flag(c, "centered"))
    throw ValueError("RMSprop with momentum or centered is not supported");
  return std::make_shared<RMSprop>(
      RMSpropOptions{.learning_rate = optimizer_config::LearningRate(c, 0.001),
                     .rho = optimizer_config::Number(c, "rho", 0.9),
                     .epsilon = optimizer_config::Number(c, "epsilon", 1e-7),
                     .rules = rules});
}

KILN_REGISTER_OPTIMIZER("RMSprop", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
