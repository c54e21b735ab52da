#include "keras/optimizers/adam.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

Adam::Adam(AdamOptions o) : Adam("Adam", std::move(o)) {}

Adam::Adam(const std::string& class_name, AdamOptions o)
    : Optimizer(class_name, CommonOf(o), o.rules),
      beta_1_(o.beta_1),
      beta_2_(o.beta_2),
      epsilon_(o.epsilon),
      amsgrad_(o.amsgrad) {
  if (!(learning_rate_ >= 0) || !(beta_1_ >= 0 && beta_1_ < 1) || !(beta_2_ >= 0 && beta_2_ < 1) ||
      !(epsilon_ > 0))
    throw ValueError(class_name +
                     ": learning_rate >= 0, beta_1 and beta_2 in [0, 1) and epsilon > 0 are "
                     "required");
}

nlohmann::json Adam::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"beta_1", beta_1_},
          {"beta_2", beta_2_},
          {"epsilon", epsilon_},
          {"amsgrad", amsgrad_}};
}

std::vector<std::string> Adam::slot_names() const {
  if (amsgrad_) return {"momentum", "velocity", "velocity_hat"};
  return {"momentum", "velocity"};
}

std::vector<Optimizer::SavedSlot> Adam::saved_slots(OptimizerGeneration g) const {
  std::vector<SavedSlot> out;
  if (g == OptimizerGeneration::kKeras3)
    out = {{"momentum", "momentum"}, {"velocity", "velocity"}};
  else
    out = {{"momentum", "m"}, {"velocity", "v"}};
  // Created after every m and v; optimizer_v2 names it "vhat" too.
  if (amsgrad_)
    out.push_back({"velocity_hat", g == OptimizerGeneration::kKeras3 ? "velocity_hat" : "vhat", 1});
  return out;
}

Optimizer::NewState Adam::Compose(GraphBuilder& b, const UpdateArgs& a) {
  // Keras 3's update_step, op for op.
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef t = Step(b, a, 1);
  ValueRef beta_1_power = b.Op("Pow", {Const(b, a, beta_1_), t});
  ValueRef beta_2_power = b.Op("Pow", {Const(b, a, beta_2_), t});
  ValueRef one = Const(b, a, 1);
  ValueRef alpha = b.Op("Div", {b.Op("Mul", {lr, b.Op("Sqrt", {b.Op("Sub", {one, beta_2_power})})}),
                                b.Op("Sub", {one, beta_1_power})});
  ValueRef m = b.Op(
      "Add",
      {a.slots[0], b.Op("Mul", {b.Op("Sub", {a.grad, a.slots[0]}), Const(b, a, 1 - beta_1_)})});
  ValueRef v =
      b.Op("Add", {a.slots[1], b.Op("Mul", {b.Op("Sub", {b.Op("Square", {a.grad}), a.slots[1]}),
                                            Const(b, a, 1 - beta_2_)})});
  NewState next{.var = {}, .slots = {m, v}};
  if (amsgrad_) {
    v = b.Op("Maximum", {a.slots[2], v});
    next.slots.push_back(v);
  }
  next.var =
      b.Op("Sub", {a.var, b.Op("Div", {b.Op("Mul", {m, alpha}),
                                       b.Op("Add", {b.Op("Sqrt", {v}), Const(b, a, epsilon_)})})});
  return next;
}

std::optional<int> Adam::EmitFused(GraphBuilder& b, const UpdateArgs& a) {
  if (amsgrad_) return std::nullopt;
  b.OpN("ApplyAdam", {a.var, a.slots[0], a.slots[1], a.iterations, a.learning_rate, a.grad},
        {{"beta_1", beta_1_},
         {"beta_2", beta_2_},
         {"epsilon", epsilon_},
         {"rules", std::string(rules_ == UpdateRules::kKeras3 ? "keras3" : "keras2")}},
        "update");
  return b.graph().capacity() - 1;
}

AdamW::AdamW(AdamWOptions o)
    : Adam("AdamW", [&] {
        if (!o.weight_decay) o.weight_decay = 0.004;
        return o;
      }()) {}

namespace {

AdamOptions AdamFrom(const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  return WithCommon(c, AdamOptions{.beta_1 = Number(c, "beta_1", 0.9),
                                   .beta_2 = Number(c, "beta_2", 0.999),
                                   .epsilon = Number(c, "epsilon", 1e-7),
                                   .amsgrad = Flag(c, "amsgrad"),
                                   .rules = rules});
}

KILN_REGISTER_OPTIMIZER("Adam", [](const nlohmann::json& c, UpdateRules rules) {
  return std::make_shared<Adam>(AdamFrom(c, rules));
});
KILN_REGISTER_OPTIMIZER("AdamW", [](const nlohmann::json& c, UpdateRules rules) {
  optimizer_config::RequireCurrentRules(rules, "AdamW");
  return std::make_shared<AdamW>(AdamFrom(c, rules));
});

}  // namespace
}  // namespace kiln::keras::optimizers
