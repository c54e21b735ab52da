#include "keras/optimizers/adadelta.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Adadelta::Adadelta(AdadeltaOptions o)
    : Optimizer("Adadelta", CommonOf(o), UpdateRules::kKeras3), o_(o) {
  if (!(o_.rho >= 0 && o_.rho <= 1) || !(o_.epsilon > 0))
    throw ValueError("Adadelta: rho in [0, 1] and epsilon > 0 are required");
}

nlohmann::json Adadelta::get_config() const {
  return {{"learning_rate", learning_rate_}, {"rho", o_.rho}, {"epsilon", o_.epsilon}};
}

std::vector<std::string> Adadelta::slot_names() const {
  return {"accumulated_grad", "accumulated_delta_var"};
}

std::vector<Optimizer::SavedSlot> Adadelta::saved_slots(OptimizerGeneration) const {
  return {{"accumulated_grad", "accumulated_grad"},
          {"accumulated_delta_var", "accumulated_delta_var"}};
}

Optimizer::NewState Adadelta::Compose(GraphBuilder& b, const UpdateArgs& a) {
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef rho = Const(b, a, o_.rho), one_minus_rho = Const(b, a, 1 - o_.rho);
  auto average = [&](ValueRef old, ValueRef x) {
    return b.Op("Add",
                {b.Op("Mul", {rho, old}), b.Op("Mul", {one_minus_rho, b.Op("Square", {x})})});
  };
  auto rms = [&](ValueRef x) { return b.Op("Sqrt", {b.Op("Add", {x, Const(b, a, o_.epsilon)})}); };
  ValueRef grads = average(a.slots[0], a.grad);
  ValueRef delta = b.Op("Neg", {b.Op("Div", {b.Op("Mul", {rms(a.slots[1]), a.grad}), rms(grads)})});
  ValueRef deltas = average(a.slots[1], delta);
  return {.var = b.Op("Add", {a.var, b.Op("Mul", {lr, delta})}), .slots = {grads, deltas}};
}

namespace {

KILN_REGISTER_OPTIMIZER("Adadelta", [](const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  RequireCurrentRules(rules, "Adadelta");
  return std::make_shared<Adadelta>(WithCommon(
      c, AdadeltaOptions{.rho = Number(c, "rho", 0.95), .epsilon = Number(c, "epsilon", 1e-7)}));
});

}  // namespace
}  // namespace kiln::keras::optimizers
