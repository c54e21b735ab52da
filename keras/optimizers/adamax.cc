#include "keras/optimizers/adamax.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Adamax::Adamax(AdamaxOptions o) : Optimizer("Adamax", CommonOf(o), UpdateRules::kKeras3), o_(o) {
  if (!(o_.beta_1 >= 0 && o_.beta_1 < 1) || !(o_.beta_2 >= 0 && o_.beta_2 < 1) || !(o_.epsilon > 0))
    throw ValueError("Adamax: beta_1 and beta_2 in [0, 1) and epsilon > 0 are required");
}

nlohmann::json Adamax::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"beta_1", o_.beta_1},
          {"beta_2", o_.beta_2},
          {"epsilon", o_.epsilon}};
}

std::vector<std::string> Adamax::slot_names() const { return {"momentum", "norm"}; }

std::vector<Optimizer::SavedSlot> Adamax::saved_slots(OptimizerGeneration g) const {
  if (g == OptimizerGeneration::kKeras3) return {{"momentum", "momentum"}, {"norm", "norm"}};
  return {{"momentum", "m"}, {"norm", "u"}};
}

Optimizer::NewState Adamax::Compose(GraphBuilder& b, const UpdateArgs& a) {
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef beta_1_power = b.Op("Pow", {Const(b, a, o_.beta_1), Step(b, a, 1)});
  ValueRef m = b.Op(
      "Add",
      {a.slots[0], b.Op("Mul", {b.Op("Sub", {a.grad, a.slots[0]}), Const(b, a, 1 - o_.beta_1)})});
  ValueRef u =
      b.Op("Maximum", {b.Op("Mul", {Const(b, a, o_.beta_2), a.slots[1]}), b.Op("Abs", {a.grad})});
  ValueRef denominator = b.Op("Mul", {b.Op("Sub", {Const(b, a, 1), beta_1_power}),
                                      b.Op("Add", {u, Const(b, a, o_.epsilon)})});
  ValueRef step = b.Op("Div", {b.Op("Mul", {lr, m}), denominator});
  return {.var = b.Op("Sub", {a.var, step}), .slots = {m, u}};
}

namespace {

KILN_REGISTER_OPTIMIZER("Adamax", [](const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  RequireCurrentRules(rules, "Adamax");
  return std::make_shared<Adamax>(
      WithCommon(c, AdamaxOptions{.beta_1 = Number(c, "beta_1", 0.9),
                                  .beta_2 = Number(c, "beta_2", 0.999),
                                  .epsilon = Number(c, "epsilon", 1e-7)}));
});

}  // namespace
}  // namespace kiln::keras::optimizers
