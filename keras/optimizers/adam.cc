#include "keras/optimizers/adam.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Adam::Adam(AdamOptions o) : o_(o) {
  o_.learning_rate = o.lr.value_or(o.learning_rate);
  if (!(o_.learning_rate >= 0) || !(o_.beta_1 >= 0 && o_.beta_1 < 1) ||
      !(o_.beta_2 >= 0 && o_.beta_2 < 1) || !(o_.epsilon > 0))
    throw ValueError(
        "Adam: learning_rate >= 0, beta_1 and beta_2 in [0, 1) and epsilon > 0 are required");
}

nlohmann::json Adam::get_config() const {
  return {{"name", "Adam"},      {"learning_rate", o_.learning_rate},
          {"decay", 0.0},        {"beta_1", o_.beta_1},
          {"beta_2", o_.beta_2}, {"epsilon", o_.epsilon},
          {"amsgrad", false}};
}

void Adam::Prepare(GraphBuilder& b) {
  lr_value_ = b.Scalar(o_.learning_rate, kFloat32, "learning_rate");
}

int Adam::EmitUpdate(GraphBuilder& b, const UpdateArgs& a) {
  b.OpN("ApplyAdam", {a.var, a.slots[0], a.slots[1], a.slots[2], lr_value_, a.grad},
        {{"beta_1", o_.beta_1}, {"beta_2", o_.beta_2}, {"epsilon", o_.epsilon}}, "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c) {
  optimizer_config::NoDecay(c, "Adam");
  if (c.value("amsgrad", false)) throw ValueError("Adam with amsgrad is not supported");
  return std::make_shared<Adam>(
      AdamOptions{.learning_rate = optimizer_config::LearningRate(c, 0.001),
                  .beta_1 = optimizer_config::Number(c, "beta_1", 0.9),
                  .beta_2 = optimizer_config::Number(c, "beta_2", 0.999),
                  .epsilon = optimizer_config::Number(c, "epsilon", 1e-7)});
}

KILN_REGISTER_OPTIMIZER("Adam", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
