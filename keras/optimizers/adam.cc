#include "keras/optimizers/adam.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Adam::Adam(AdamOptions o)
    : Optimizer(o.lr.value_or(o.learning_rate), o.rules),
      beta_1_(o.beta_1),
      beta_2_(o.beta_2),
      epsilon_(o.epsilon) {
  if (!(learning_rate_ >= 0) || !(beta_1_ >= 0 && beta_1_ < 1) || !(beta_2_ >= 0 && beta_2_ < 1) ||
      !(epsilon_ > 0))
    throw ValueError(
        "Adam: learning_rate >= 0, beta_1 and beta_2 in [0, 1) and epsilon > 0 are required");
}

nlohmann::json Adam::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"beta_1", beta_1_},
          {"beta_2", beta_2_},
          {"epsilon", epsilon_},
          {"amsgrad", false}};
}

std::vector<Optimizer::SavedSlot> Adam::saved_slots(OptimizerGeneration g) const {
  if (g == OptimizerGeneration::kKeras3)
    return {{"momentum", "momentum"}, {"velocity", "velocity"}};
  return {{"momentum", "m"}, {"velocity", "v"}};
}

int Adam::EmitUpdate(GraphBuilder& b, const UpdateArgs& a) {
  b.OpN("ApplyAdam", {a.var, a.slots[0], a.slots[1], a.iterations, a.learning_rate, a.grad},
        {{"beta_1", beta_1_},
         {"beta_2", beta_2_},
         {"epsilon", epsilon_},
         {"rules", std::string(rules_ == UpdateRules::kKeras3 ? "keras3" : "keras2")}},
        "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c, UpdateRules rules) {
  optimizer_config::NoDecay(c, "Adam");
  if (optimizer_config::Flag(c, "amsgrad")) throw ValueError("Adam with amsgrad is not supported");
  return std::make_shared<Adam>(
      AdamOptions{.learning_rate = optimizer_config::LearningRate(c, 0.001),
                  .beta_1 = optimizer_config::Number(c, "beta_1", 0.9),
                  .beta_2 = optimizer_config::Number(c, "beta_2", 0.999),
                  .epsilon = optimizer_config::Number(c, "epsilon", 1e-7),
                  .rules = rules});
}

KILN_REGISTER_OPTIMIZER("Adam", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
