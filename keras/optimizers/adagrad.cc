#include "keras/optimizers/adagrad.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Adagrad::Adagrad(AdagradOptions o)
    : Optimizer("Adagrad", CommonOf(o), UpdateRules::kKeras3), o_(o) {
  if (!(o_.initial_accumulator_value >= 0) || !(o_.epsilon > 0))
    throw ValueError("Adagrad: initial_accumulator_value >= 0 and epsilon > 0 are required");
}

nlohmann::json Adagrad::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"initial_accumulator_value", o_.initial_accumulator_value},
          {"epsilon", o_.epsilon}};
}

std::vector<std::string> Adagrad::slot_names() const { return {"accumulator"}; }

std::vector<Optimizer::SavedSlot> Adagrad::saved_slots(OptimizerGeneration) const {
  return {{"accumulator", "accumulator"}};
}

Optimizer::NewState Adagrad::Compose(GraphBuilder& b, const UpdateArgs& a) {
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef acc = b.Op("Add", {a.slots[0], b.Op("Square", {a.grad})});
  ValueRef step = b.Op("Div", {b.Op("Mul", {lr, a.grad}),
                               b.Op("Sqrt", {b.Op("Add", {acc, Const(b, a, o_.epsilon)})})});
  return {.var = b.Op("Sub", {a.var, step}), .slots = {acc}};
}

namespace {

KILN_REGISTER_OPTIMIZER("Adagrad", [](const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  RequireCurrentRules(rules, "Adagrad");
  return std::make_shared<Adagrad>(WithCommon(
      c, AdagradOptions{.initial_accumulator_value = Number(c, "initial_accumulator_value", 0.1),
                        .epsilon = Number(c, "epsilon", 1e-7)}));
});

}  // namespace
}  // namespace kiln::keras::optimizers
