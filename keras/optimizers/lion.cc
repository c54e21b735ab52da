#include "keras/optimizers/lion.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Lion::Lion(LionOptions o) : Optimizer("Lion", CommonOf(o), UpdateRules::kKeras3), o_(o) {
  if (!(o_.beta_1 > 0 && o_.beta_1 <= 1))
    throw ValueError(
        "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
        "degenerates to SignSGD. Received: beta_1=" +
        nlohmann::json(o_.beta_1).dump() + ".");
  if (!(o_.beta_2 >= 0 && o_.beta_2 <= 1))
    throw ValueError("Lion: beta_2 must be in [0, 1], got " + nlohmann::json(o_.beta_2).dump());
}

nlohmann::json Lion::get_config() const {
  return {{"learning_rate", learning_rate_}, {"beta_1", o_.beta_1}, {"beta_2", o_.beta_2}};
}

std::vector<std::string> Lion::slot_names() const { return {"momentum"}; }

std::vector<Optimizer::SavedSlot> Lion::saved_slots(OptimizerGeneration g) const {
  return {{"momentum", g == OptimizerGeneration::kKeras3 ? "momentum" : "m"}};
}

Optimizer::NewState Lion::Compose(GraphBuilder& b, const UpdateArgs& a) {
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  // beta is a float32 tensor in Keras, so 1 - beta is rounded there too.
  auto mix = [&](double beta) {
    return b.Op("Add", {b.Op("Mul", {a.slots[0], Const(b, a, beta)}),
                        b.Op("Mul", {a.grad, Const(b, a, 1.0f - static_cast<float>(beta))})});
  };
  ValueRef step = b.Op("Mul", {lr, b.Op("Sign", {mix(o_.beta_1)})});
  return {.var = b.Op("Sub", {a.var, step}), .slots = {mix(o_.beta_2)}};
}

namespace {

KILN_REGISTER_OPTIMIZER("Lion", [](const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  RequireCurrentRules(rules, "Lion");
  return std::make_shared<Lion>(WithCommon(
      c, LionOptions{.beta_1 = Number(c, "beta_1", 0.9), .beta_2 = Number(c, "beta_2", 0.99)}));
});

}  // namespace
}  // namespace kiln::keras::optimizers
