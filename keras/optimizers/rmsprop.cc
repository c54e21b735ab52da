#include "keras/optimizers/rmsprop.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

RMSprop::RMSprop(RMSpropOptions o)
    : Optimizer("RMSprop", CommonOf(o), o.rules),
      rho_(o.rho),
      momentum_(o.momentum),
      epsilon_(o.epsilon),
      centered_(o.centered) {
  if (!(learning_rate_ >= 0) || !(rho_ >= 0 && rho_ <= 1) || !(epsilon_ > 0) || !(momentum_ >= 0))
    throw ValueError(
        "RMSprop: learning_rate >= 0, rho in [0, 1], momentum >= 0 and epsilon > 0 are required");
  if (rules_ == UpdateRules::kKeras2 && (momentum_ > 0 || centered_ || weight_decay_))
    throw ValueError(
        "RMSprop with momentum, centered or weight_decay is not supported under "
        "Keras 2's rules (tf.keras's legacy optimizers)");
}

nlohmann::json RMSprop::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"rho", rho_},
          {"momentum", momentum_},
          {"epsilon", epsilon_},
          {"centered", centered_}};
}

std::vector<std::string> RMSprop::slot_names() const {
  std::vector<std::string> names = {"velocity"};
  if (momentum_ > 0) names.push_back("momentum");
  if (centered_) names.push_back("average_gradient");
  return names;
}

std::vector<Optimizer::SavedSlot> RMSprop::saved_slots(OptimizerGeneration g) const {
  if (g == OptimizerGeneration::kKeras2) return {{"velocity", "rms"}};
  // Each kind for every variable before the next, as Keras creates them.
  std::vector<SavedSlot> out;
  for (const std::string& s : slot_names()) out.push_back({s, s, static_cast<int>(out.size())});
  return out;
}

Optimizer::NewState RMSprop::Compose(GraphBuilder& b, const UpdateArgs& a) {
  // Keras 3's update_step, op for op.
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef rho = Const(b, a, rho_), one_minus_rho = Const(b, a, 1 - rho_);
  auto average = [&](ValueRef old, ValueRef x) {
    return b.Op("Add", {b.Op("Mul", {rho, old}), b.Op("Mul", {one_minus_rho, x})});
  };
  NewState next{.var = {}, .slots = {average(a.slots[0], b.Op("Square", {a.grad}))}};
  ValueRef denominator;
  size_t k = 1;
  if (momentum_ > 0) next.slots.push_back({}), ++k;
  if (centered_) {
    ValueRef mg = average(a.slots[k], a.grad);
    next.slots.push_back(mg);
    denominator =
        b.Op("Add", {b.Op("Sub", {next.slots[0], b.Op("Square", {mg})}), Const(b, a, epsilon_)});
  } else {
    denominator = b.Op("Add", {next.slots[0], Const(b, a, epsilon_)});
  }
  ValueRef increment = b.Op("Div", {b.Op("Mul", {lr, a.grad}), b.Op("Sqrt", {denominator})});
  if (momentum_ > 0) {
    next.slots[1] = b.Op("Add", {b.Op("Mul", {Const(b, a, momentum_), a.slots[1]}), increment});
    increment = next.slots[1];
  }
  next.var = b.Op("Sub", {a.var, increment});
  return next;
}

std::optional<int> RMSprop::EmitFused(GraphBuilder& b, const UpdateArgs& a) {
  if (momentum_ > 0 || centered_) return std::nullopt;
  b.OpN("ApplyRMSProp", {a.var, a.slots[0], a.learning_rate, a.grad},
        {{"rho", rho_},
         {"epsilon", epsilon_},
         {"rules", std::string(rules_ == UpdateRules::kKeras3 ? "keras3" : "keras2")}},
        "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  return std::make_shared<RMSprop>(
      WithCommon(c, RMSpropOptions{.rho = Number(c, "rho", 0.9),
                                   .momentum = Number(c, "momentum", 0.0),
                                   .epsilon = Number(c, "epsilon", 1e-7),
                                   .centered = Flag(c, "centered"),
                                   .rules = rules}));
}

KILN_REGISTER_OPTIMIZER("RMSprop", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
