#include "keras/optimizers/sgd.h"

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {

SGD::SGD(SGDOptions o)
    // The rules do not matter: SGD computes the same in every Keras.
    : Optimizer("SGD", CommonOf(o), UpdateRules::kKeras3),
      momentum_(o.momentum),
      nesterov_(o.nesterov) {
  if (!(momentum_ >= 0)) throw ValueError("SGD: momentum must be >= 0");
}

nlohmann::json SGD::get_config() const {
  return {{"learning_rate", learning_rate_}, {"momentum", momentum_}, {"nesterov", nesterov_}};
}

// Plain SGD keeps no state, as in Keras.
std::vector<std::string> SGD::slot_names() const {
  return momentum_ == 0 ? std::vector<std::string>{} : std::vector<std::string>{"momentum"};
}

std::vector<Optimizer::SavedSlot> SGD::saved_slots(OptimizerGeneration g) const {
  const std::string slot = momentum_ == 0 ? "" : "momentum";
  // tf.keras 2.11+ creates its "m" slots even without momentum (and never reads them then).
  if (g == OptimizerGeneration::kTfKeras) return {{slot, "m"}};
  if (momentum_ == 0) return {};
  return {{slot, "momentum"}};
}

std::vector<int> SGD::Prepare(GraphBuilder& b, const StepArgs&) {
  momentum_value_ = b.Scalar(momentum_, kFloat32, "momentum");
  return {};
}

Optimizer::NewState SGD::Compose(GraphBuilder& b, const UpdateArgs& a) {
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef step = b.Op("Mul", {a.grad, lr});
  if (momentum_ == 0) return {.var = b.Op("Sub", {a.var, step}), .slots = {}};
  ValueRef momentum = Const(b, a, momentum_);
  ValueRef m = b.Op("Sub", {b.Op("Mul", {a.slots[0], momentum}), step});
  ValueRef delta = nesterov_ ? b.Op("Sub", {b.Op("Mul", {m, momentum}), step}) : m;
  return {.var = b.Op("Add", {a.var, delta}), .slots = {m}};
}

std::optional<int> SGD::EmitFused(GraphBuilder& b, const UpdateArgs& a) {
  if (momentum_ == 0)
    b.OpN("ApplyGradientDescent", {a.var, a.learning_rate, a.grad}, {}, "update");
  else
    b.OpN("ApplyMomentum", {a.var, a.slots[0], a.learning_rate, a.grad, momentum_value_},
          {{"use_nesterov", nesterov_}}, "update");
  return b.graph().capacity() - 1;
}

namespace {

std::shared_ptr<Optimizer> FromConfig(const nlohmann::json& c, UpdateRules) {
  using namespace optimizer_config;
  return std::make_shared<SGD>(WithCommon(
      c, SGDOptions{.momentum = Number(c, "momentum", 0.0), .nesterov = Flag(c, "nesterov")}));
}

KILN_REGISTER_OPTIMIZER("SGD", FromConfig);

}  // namespace
}  // namespace kiln::keras::optimizers
