#include "keras/optimizers/ftrl.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Ftrl::Ftrl(FtrlOptions o) : Optimizer("Ftrl", CommonOf(o), UpdateRules::kKeras3), o_(o) {
  // Keras's own checks, in its words.
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw ValueError(what);
  };
  require(o_.initial_accumulator_value >= 0,
          "`initial_accumulator_value` needs to be positive or zero. Received: "
          "initial_accumulator_value=" +
              nlohmann::json(o_.initial_accumulator_value).dump() + ".");
  require(o_.learning_rate_power <= 0,
          "`learning_rate_power` needs to be negative or zero. Received: learning_rate_power=" +
              nlohmann::json(o_.learning_rate_power).dump() + ".");
  for (const auto& [name, value] :
       {std::pair("l1_regularization_strength", o_.l1_regularization_strength),
        std::pair("l2_regularization_strength", o_.l2_regularization_strength),
        std::pair("l2_shrinkage_regularization_strength", o_.l2_shrinkage_regularization_strength)})
    require(value >= 0, std::string("`") + name + "` needs to be positive or zero. Received: " +
                            name + "=" + nlohmann::json(value).dump() + ".");
}

nlohmann::json Ftrl::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"learning_rate_power", o_.learning_rate_power},
          {"initial_accumulator_value", o_.initial_accumulator_value},
          {"l1_regularization_strength", o_.l1_regularization_strength},
          {"l2_regularization_strength", o_.l2_regularization_strength},
          {"l2_shrinkage_regularization_strength", o_.l2_shrinkage_regularization_strength},
          {"beta", o_.beta}};
}

std::vector<std::string> Ftrl::slot_names() const { return {"accumulator", "linear"}; }

std::vector<Optimizer::SavedSlot> Ftrl::saved_slots(OptimizerGeneration) const {
  return {{"accumulator", "accumulator"}, {"linear", "linear"}};
}

Optimizer::NewState Ftrl::Compose(GraphBuilder& b, const UpdateArgs& a) {
  // Keras 3's update_step, op for op.
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef power = Const(b, a, -o_.learning_rate_power);
  ValueRef l2 =
      b.Op("Add", {Const(b, a, o_.l2_regularization_strength),
                   b.Op("Div", {Const(b, a, o_.beta), b.Op("Mul", {Const(b, a, 2), lr})})});
  ValueRef grad = b.Op(
      "Add",
      {a.grad, b.Op("Mul", {Const(b, a, 2 * o_.l2_shrinkage_regularization_strength), a.var})});
  ValueRef accum = a.slots[0];
  ValueRef new_accum = b.Op("Add", {accum, b.Op("Square", {a.grad})});
  ValueRef new_accum_power = b.Op("Pow", {new_accum, power});
  ValueRef sigma = b.Op("Div", {b.Op("Sub", {new_accum_power, b.Op("Pow", {accum, power})}), lr});
  ValueRef linear = b.Op("Add", {a.slots[1], b.Op("Sub", {grad, b.Op("Mul", {sigma, a.var})})});
  ValueRef quadratic =
      b.Op("Add", {b.Op("Div", {new_accum_power, lr}), b.Op("Mul", {Const(b, a, 2), l2})});
  const double l1 = o_.l1_regularization_strength;
  ValueRef clipped = b.Op("ClipByValue", {linear}, {{"min", -l1}, {"max", l1}});
  return {.var = b.Op("Div", {b.Op("Sub", {clipped, linear}), quadratic}),
          .slots = {new_accum, linear}};
}

namespace {

KILN_REGISTER_OPTIMIZER("Ftrl", [](const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  RequireCurrentRules(rules, "Ftrl");
  return std::make_shared<Ftrl>(WithCommon(
      c, FtrlOptions{.learning_rate_power = Number(c, "learning_rate_power", -0.5),
                     .initial_accumulator_value = Number(c, "initial_accumulator_value", 0.1),
                     .l1_regularization_strength = Number(c, "l1_regularization_strength", 0.0),
                     .l2_regularization_strength = Number(c, "l2_regularization_strength", 0.0),
                     .l2_shrinkage_regularization_strength =
                         Number(c, "l2_shrinkage_regularization_strength", 0.0),
                     .beta = Number(c, "beta", 0.0)}));
});

}  // namespace
}  // namespace kiln::keras::optimizers
